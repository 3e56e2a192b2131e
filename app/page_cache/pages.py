"""Serving kept pages from views.

A page is kept under a key made of the address, the reader, the reader's language and day,
and the change counters of what the page shows (see tracking.py): the reader's own counter
plus either the shared counter (pages about the reader) or the overall one (pages about many
people). A change to any of those makes a new key, so a kept page is never served stale.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import NamedTuple

from flask import Flask, current_app, g, make_response, request, session
from flask_login import current_user
from flask_sqlalchemy.session import Session as FlaskSQLAlchemySession
from flask_wtf.csrf import generate_csrf
from sqlalchemy import bindparam, select

from app import clock
from app.extensions import db
from app.i18n import current_language
from app.page_cache import tracking
from app.page_cache.models import DataGeneration
from app.page_cache.store import PageStore

USER = "user"  # the reader's own data and shared data (content, teams, definitions)
OVERALL = "overall"  # many people's data: any change anywhere renders it again


def init_app(app: Flask) -> None:
    from app.people.models import User

    app.extensions["page_cache"] = PageStore(
        max_bytes=app.config["PAGE_CACHE_MAX_BYTES"],
        max_age_seconds=app.config["PAGE_CACHE_SECONDS"],
    )
    tracking.install(FlaskSQLAlchemySession, User.__table__, DataGeneration.__table__)


def page_store() -> PageStore:
    return current_app.extensions["page_cache"]


class Counters(NamedTuple):
    epoch: int
    shared: int
    overall: int


_COUNTERS = (DataGeneration.epoch, DataGeneration.shared, DataGeneration.overall)


def counters():
    """(epoch, shared, overall) for this request, read once; None before the first change."""
    if "page_counters" not in g:
        query = select(*_COUNTERS).where(DataGeneration.id == 1)
        row = db.session.execute(query).first()
        g.page_counters = None if row is None else Counters(*row)
    return g.page_counters


_USER_QUERIES: dict = {}


def load_user_with_counters(user_model, user_id: int):
    """The signed-in user, read in the same statement as this request's page counters: every
    signed-in request needs the user, and kept pages need the counters too."""
    query = _USER_QUERIES.get(user_model)
    if query is None:  # built once: building a statement costs more than running this one
        query = _USER_QUERIES[user_model] = (
            select(user_model, *_COUNTERS)
            .join_from(user_model, DataGeneration, DataGeneration.id == 1, isouter=True)
            .where(user_model.id == bindparam("user_id"))
        )
    row = db.session.execute(query, {"user_id": user_id}).first()
    if row is None:
        return None
    g.page_counters = None if row.epoch is None else Counters(*row[1:])
    return row[0]


def page_key(scope: str) -> tuple | None:
    """The key of this request's page, or None when it must not be kept or served kept."""
    if not current_app.config["PAGE_CACHE_ENABLED"] or request.method != "GET":
        return None
    if session.get("_flashes"):  # messages are shown once, on a freshly rendered page
        return None
    row = counters()
    if row is None:
        return None
    generation = row.shared if scope == USER else row.overall
    user = current_user
    return (request.full_path, user.id, user.data_generation, row.epoch, scope, generation,
            current_language(), clock.today())  # fmt: skip


def cached_page(scope: str | Callable[[], str]):
    """Serve the view's page from the store while nothing it shows has changed.

    `scope` is USER or OVERALL, or a function of the request choosing one. Goes inside the
    access decorator, so who may see the page is decided before anything is served."""

    def decorate(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            key = page_key(scope() if callable(scope) else scope)
            if key is None:
                return view(*args, **kwargs)
            parts = page_store().get(key)
            if parts is not None:
                response = make_response(generate_csrf().encode().join(parts))
                response.headers["X-Page-Cache"] = "hit"
                return response
            response = make_response(view(*args, **kwargs))
            if _keep(key, response):
                response.headers["X-Page-Cache"] = "miss"
            return response

        return wrapped

    return decorate


def _keep(key: tuple, response) -> bool:
    if response.status_code != 200 or response.mimetype != "text/html" or response.is_streamed:
        return False
    if session.get("_flashes"):  # the view left a message for the next page
        return False
    body = response.get_data()
    # The form token belongs to one session and is filled in afresh for every request, so
    # the page is kept as the pieces around it.
    token = g.get(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"))
    parts = tuple(body.split(token.encode())) if token else (body,)
    page_store().put(key, parts, size=len(body))
    return True


# Small facts about the reader that every page shows (the unread count, whether new standards
# await acknowledgement), kept per process under the same change counters as kept pages.
_VALUES_LIMIT = 20_000
_values: dict[tuple, object] = {}


def kept_value(name: str, user, compute: Callable[[], object]):
    """compute(), or the value it gave for this reader while neither their own data nor shared
    data has changed since (the reader's and the shared change counters)."""
    row = counters()
    if row is None or not getattr(user, "is_authenticated", False):
        return compute()
    key = (name, row.epoch, row.shared, user.id, user.data_generation)
    try:
        return _values[key]
    except KeyError:
        pass
    if len(_values) >= _VALUES_LIMIT:
        _values.clear()
    value = _values[key] = compute()
    return value


# Side effects a page view repeats only now and then (remembering where a reader stopped),
# noted per process so that a kept page can be served without asking the database first.
_RECENT_LIMIT = 10_000
_recent: dict[tuple, object] = {}


def done_recently(name: tuple, within) -> bool:
    row = counters()
    if row is None:
        return False
    when = _recent.get((row.epoch, *name))
    return when is not None and clock.now() - when < within


def note_done(name: tuple) -> None:
    row = counters()
    if row is None:
        return
    if len(_recent) >= _RECENT_LIMIT:
        _recent.clear()
    _recent[(row.epoch, *name)] = clock.now()
