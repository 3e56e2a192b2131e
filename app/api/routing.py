"""How an API endpoint is declared: one decorator names its method, path, scopes and the
pydantic models of its query, body and answer. The same declaration checks the token,
validates the request, shapes the answer and feeds the OpenAPI document (app/api/openapi.py),
so the document cannot drift from what the endpoint accepts.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import wraps

from flask import Blueprint, Response, g, request
from flask_babel import force_locale
from flask_login import AnonymousUserMixin
from pydantic import BaseModel, ValidationError

from app.access import PUBLIC
from app.api import errors, tokens
from app.api.errors import ApiError
from app.extensions import db


@dataclass(frozen=True)
class Operation:
    endpoint: str  # the view's name inside the blueprint
    rule: str  # the Flask rule, relative to the blueprint's prefix
    method: str
    scopes: frozenset[str] | None  # any one of them lets a token in; None: no token needed
    summary: str
    response: type[BaseModel] | None  # None: the view answers with a ready dict
    query: type[BaseModel] | None = None
    body: type[BaseModel] | None = None
    list_field: str | None = None  # the body's list whose problems are reported by item
    status: int = 200


def bearer_secret() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, secret = header.partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        return None
    return secret.strip()


def authenticate(scopes: frozenset[str]):
    """The usable token of this request that holds one of `scopes`, else an ApiError."""
    secret = bearer_secret()
    if secret is None:
        raise ApiError(401, "No API token: send Authorization: Bearer <token>.")
    token = tokens.find_usable(secret)
    if token is None:
        raise ApiError(401, "The API token is not valid: unknown, revoked, or its administrator "
                       "no longer is one.")  # fmt: skip
    if not scopes & set(token.scopes):
        raise ApiError(403, f"The token needs one of these scopes: {', '.join(sorted(scopes))}.")
    return token


def _query(model: type[BaseModel]) -> BaseModel:
    values = {key: request.args.getlist(key) for key in request.args}
    values = {key: items[0] if len(items) == 1 else items for key, items in values.items()}
    try:
        return model.model_validate(values)
    except ValidationError as exc:
        raise ApiError(422, problems=errors.from_validation(exc)) from None


def _body(model: type[BaseModel], list_field: str | None) -> BaseModel:
    try:
        return model.model_validate_json(request.get_data() or b"")
    except ValidationError as exc:
        raise ApiError(422, problems=errors.from_validation(exc, list_field)) from None


class ApiBlueprint(Blueprint):
    """A blueprint whose views are declared with `operation`; it keeps their declarations."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.operations: list[Operation] = []
        self.before_request(_no_cookies)
        self.after_request(_not_kept)

    def operation(self, method: str, rule: str, *, scopes, summary: str, response, **options):
        def decorator(view):
            op = Operation(
                endpoint=view.__name__, rule=rule, method=method,
                scopes=frozenset(scopes) if scopes is not None else None, summary=summary,
                response=response, **options,
            )  # fmt: skip
            wrapped = _wrap(view, op)
            self.operations.append(op)
            self.add_url_rule(rule, endpoint=op.endpoint, view_func=wrapped, methods=[method])
            return wrapped

        return decorator


def _wrap(view, op: Operation):
    @wraps(view)
    def wrapped(**kwargs):
        with force_locale("en"):  # messages (and the services' domain errors) for systems
            return _answer(view, op, kwargs)

    # No signed-in person may use these views through a session: only tokens, or anyone for
    # the endpoints that need no token.
    wrapped.allowed_roles = PUBLIC if op.scopes is None else frozenset()
    wrapped.api_operation = op
    return wrapped


def _answer(view, op: Operation, kwargs: dict):
    """Check the token, read the query and the body, run the view and shape its answer."""
    try:
        if op.scopes is not None:
            g.api_token = authenticate(op.scopes)
            kwargs["token"] = g.api_token
        if op.query is not None:
            kwargs["query"] = _query(op.query)
        if op.body is not None:
            kwargs["body"] = _body(op.body, op.list_field)
        result = view(**kwargs)
    except ApiError as exc:
        db.session.rollback()  # all or nothing: a refused request leaves no trace
        return errors.response(exc.status, exc.message, exc.problems)
    if op.response is None:
        return result, op.status
    payload = op.response.model_validate(result).model_dump_json()
    return Response(payload, status=op.status, mimetype="application/json")


def _no_cookies():
    """A browser's session cookie counts for nothing here: whoever is signed in, the API sees
    an anonymous visitor and asks for a token (so a forged cross-site request gets nowhere)."""
    g._login_user = AnonymousUserMixin()


def _not_kept(response):
    response.headers["Cache-Control"] = "no-store"
    return response
