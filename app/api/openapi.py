"""The OpenAPI 3.1 document, generated from the endpoints' declarations (app/api/routing.py)
and the pydantic models they validate with: pydantic's JSON Schema (draft 2020-12, the
dialect of OpenAPI 3.1) becomes the document's components, one per model."""

from __future__ import annotations

import re

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from app.api.errors import ANSWERS
from app.api.routing import Operation

REF = "#/components/schemas/{model}"
_ARGUMENT = re.compile(r"<(?:[a-z_]+:)?([a-z_][a-z0-9_]*)>")
ERROR_STATUSES = {
    "token": (401, 403, 429),  # every endpoint that needs a token
    "query": (422,),
    "body": (422,),
}


def openapi_path(prefix: str, rule: str) -> str:
    """A Flask rule as an OpenAPI path: `<int:user_id>` becomes `{user_id}`."""
    return _ARGUMENT.sub(r"{\1}", prefix + rule)


def _models(operations: list[Operation], error_model: type[BaseModel]) -> list:
    """Each model once, with the mode its schema is for (what comes in, what goes out)."""
    found = [(error_model, "serialization")]
    for op in operations:
        if op.body is not None:
            found.append((op.body, "validation"))
        if op.response is not None:
            found.append((op.response, "serialization"))
    return list(dict.fromkeys(found))


def query_parameters(model: type[BaseModel]) -> list[dict]:
    """A query model's fields as OpenAPI parameters (a query model holds only plain fields)."""
    schema = model.model_json_schema(ref_template=REF)
    required = set(schema.get("required", []))
    return [
        {"name": name, "in": "query", "required": name in required, "schema": field}
        for name, field in schema["properties"].items()
    ]


def _path_parameters(path: str) -> list[dict]:
    names = re.findall(r"{([^}]+)}", path)
    return [{"name": n, "in": "path", "required": True, "schema": {"type": "string"}}
            for n in names]  # fmt: skip


def _operation(op: Operation, path: str, refs: dict) -> dict:
    found: dict = {"operationId": op.endpoint, "summary": op.summary}
    parameters = _path_parameters(path) + (query_parameters(op.query) if op.query else [])
    if parameters:
        found["parameters"] = parameters
    if op.scopes is None:
        found["security"] = []
    else:
        found["security"] = [{"bearer": sorted(op.scopes)}]
        found["description"] = "Needs a token with one of the scopes: " + ", ".join(
            sorted(op.scopes)
        )
    if op.body is not None:
        found["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": refs[(op.body, "validation")]}},
        }
    schema = refs[(op.response, "serialization")] if op.response else {"type": "object"}
    responses = {str(op.status): {"description": "Done.",
                                  "content": {"application/json": {"schema": schema}}}}  # fmt: skip
    for status in _error_statuses(op, path):
        responses[str(status)] = {"$ref": f"#/components/responses/{ANSWERS[status][0]}"}
    found["responses"] = responses
    return found


def _error_statuses(op: Operation, path: str) -> list[int]:
    statuses = set()
    if op.scopes is not None:
        statuses |= set(ERROR_STATUSES["token"])
    if op.query is not None or op.body is not None or "{" in path:
        statuses.add(422)
    if "{" in path:
        statuses.add(404)
    return sorted(statuses)


def build_document(
    operations: list[Operation], *, prefix: str, title: str, version: str,
    error_model: type[BaseModel], scopes: dict[str, str],
) -> dict:  # fmt: skip
    """The OpenAPI 3.1 document of these operations."""
    refs, top = models_json_schema(_models(operations, error_model), ref_template=REF)
    paths: dict[str, dict] = {}
    for op in operations:
        path = openapi_path(prefix, op.rule)
        paths.setdefault(path, {})[op.method.lower()] = _operation(op, path, refs)
    error_ref = refs[(error_model, "serialization")]
    responses = {
        word: {"description": message, "content": {"application/json": {"schema": error_ref}}}
        for word, message in ANSWERS.values()
    }
    scope_list = "; ".join(f"`{name}`: {text}" for name, text in scopes.items())
    return {
        "openapi": "3.1.0",
        "info": {"title": title, "version": version},
        "paths": paths,
        "components": {
            "schemas": top.get("$defs", {}),
            "responses": responses,
            "securitySchemes": {
                "bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "An API token made by an administrator. Scopes: " + scope_list,
                }
            },
        },
    }
