"""Answering the browser's "has this page changed?" before rendering it, and small facts kept
per process, all from the change counters (tracking.py).

A page's identity is made of the address, the reader, the reader's language and day, and the
change counters of what the page shows: the reader's own counter plus either the shared counter
(pages about the reader) or the overall one (pages about many people). A change to any of those
makes a new identity. The identity gives the page its ETag, computed before anything is
rendered: a browser that sends it back in If-None-Match while nothing has changed gets a 304
with no body. Whether a browser may keep the page to revalidate it at all is decided in
app/security.py.

Rendered pages themselves are not kept on the server: under a mixed load of reads and writes
a store of rendered pages did not measurably help once browsers revalidate (README, Benchmarks).
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from functools import wraps
from typing import NamedTuple

from flask import Flask, current_app, g, has_request_context, make_response, request, session
from flask_login import current_user
from flask_sqlalchemy.session import Session as FlaskSQLAlchemySession
from flask_wtf.csrf import generate_csrf
from sqlalchemy import bindparam, inspect, select
from sqlalchemy.orm import Session, make_transient_to_detached
from sqlalchemy.orm.attributes import instance_state, set_committed_value

from app import clock
from app.database import read_rows
from app.extensions import db
from app.i18n import current_language
from app.page_cache import tracking
from app.page_cache.models import DataGeneration

USER = "user"  # the reader's own data and shared data (content, teams, definitions)
OVERALL = "overall"  # many people's data: any change anywhere makes a new page


def init_app(app: Flask) -> None:
    from app.people.models import User

    tracking.install(FlaskSQLAlchemySession, User.__table__, DataGeneration.__table__)


class Counters(NamedTuple):
    epoch: int
    shared: int
    overall: int


_COUNTERS = (DataGeneration.epoch, DataGeneration.shared, DataGeneration.overall)


def counters():
    """(epoch, shared, overall) for this request, read once; None before the first change."""
    found = g.get("page_counters", _UNREAD)
    if found is _UNREAD:
        query = select(*_COUNTERS).where(DataGeneration.id == 1)
        row = db.session.execute(query).first()
        found = _note_counters(None if row is None else Counters(*row))
    return found


def _note_counters(found: Counters | None) -> Counters | None:
    """Keep this request's counters, and how many shared changes its session had committed
    when they were read (_sees_own_shared_changes)."""
    g.page_counters, g.page_counters_commits = found, tracking.shared_commits(db.session())
    return found


_UNREAD = object()  # counters() before this request has read them


_USER_QUERIES: dict = {}


def load_user_with_counters(user_model, user_id: int):
    """The signed-in user, read in the same statement as this request's page counters: every
    signed-in request needs the user, and ETags and kept facts need the counters too.

    The row is read as plain columns on the session's connection (its transaction) and made
    into the session's persistent object for that person without the ORM's loading, which
    cost about as much again as the statement itself: the object is what a query would have
    given (its columns loaded and unchanged, its relationships loaded when first read, expired
    at commit). One the session already holds is returned as a query would return it: what it
    has loaded is kept, and what is expired (a commit expires everything) or was never loaded
    is set from the row just read, so that reading it sends no second statement."""
    found = _USER_QUERIES.get(user_model)
    if found is None:  # built once: building a statement costs more than running this one
        columns = list(user_model.__table__.columns)
        query = (
            select(*columns, *_COUNTERS)
            .join_from(user_model, DataGeneration, DataGeneration.id == 1, isouter=True)
            .where(user_model.id == bindparam("user_id"))
        )
        mapper = inspect(user_model)
        keys = [mapper.get_property_by_column(column).key for column in columns]
        found = _USER_QUERIES[user_model] = (query, keys, mapper)
    query, keys, mapper = found
    own = db.session()
    row = read_rows(own, query, {"user_id": user_id}).first()
    if row is None:
        return None
    epoch = row[-3]
    _note_counters(None if epoch is None else Counters(*row[-3:]))
    held = own.identity_map.get(mapper.identity_key_from_primary_key((user_id,)))
    if held is not None:
        _load_unloaded(held, keys, row)
        return held
    user = mapper.class_manager.new_instance()
    instance_state(user).dict.update(zip(keys, row, strict=False))  # the counters come last
    make_transient_to_detached(user)  # persistent once added: no INSERT, no SQL at all
    own.add(user)
    return user


def _load_unloaded(user, keys: list[str], row) -> None:
    """Set the held object's expired or never loaded columns from the row, as committed
    values (the ORM's loading does the same for an object its identity map holds); loaded and
    changed values stay. Without it the object's first attribute read after a commit would
    read the whole row again, one statement more whenever the session still held the person
    (how long it does depends on what else refers to the object, and when the garbage
    collector frees it)."""
    unloaded = instance_state(user).unloaded
    for key, value in zip(keys, row, strict=False):  # the counters come last
        if key in unloaded:
            set_committed_value(user, key, value)


def page_identity(scope: str) -> tuple | None:
    """What this request's page depends on, or None when it must be rendered and answered in
    full (not a GET, a message waiting to be shown once, no change counted yet)."""
    if request.method != "GET" or session.get("_flashes"):
        return None
    row = counters()
    if row is None:
        return None
    generation = row.shared if scope == USER else row.overall
    user = current_user._get_current_object()  # looked up once, not once per attribute
    return (request.full_path, user.id, user.data_generation, row.epoch, scope, generation,
            current_language(), clock.today())  # fmt: skip


def page_etag(identity: tuple) -> str:
    """The ETag of a page (unquoted): its identity, plus what a page kept by the browser
    carries besides the data it shows.

    - The session's form secret: the page's forms carry a token of this session, so a page
      kept from another session (signed out and in again) is never revalidated into this one.
    - A time window of PAGE_ETAG_SECONDS (offset per reader, so that not every reader's pages
      turn over at the same second): it bounds what the counters do not see, and keeps the
      form tokens on a revalidated page fresh.
    The digest is keyed with the secret key, so an ETag tells nothing about what it is made of.
    """
    field_name = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    if field_name not in session:
        generate_csrf()  # the page will hold a token: make its session secret now
    period = max(1, int(current_app.config["PAGE_ETAG_SECONDS"]))
    window = (int(time.time()) + identity[1] * 7919) // period
    digest = hashlib.blake2b(repr((identity, session[field_name], window)).encode(),
                             digest_size=16, key=_etag_secret())  # fmt: skip
    return digest.hexdigest()


_ETAG_SECRETS: dict[str, bytes] = {}


def _etag_secret() -> bytes:
    secret = current_app.config["SECRET_KEY"]
    key = _ETAG_SECRETS.get(secret)
    if key is None:
        key = _ETAG_SECRETS[secret] = hashlib.sha256(b"page-etag:" + secret.encode()).digest()
    return key


def _asked_with(etag: str) -> bool:
    """The browser holds this very page: If-None-Match names its ETag (compared weakly, as
    RFC 9110 says). A bare `*` is not taken: it names no page this reader was given."""
    asked = request.if_none_match
    return bool(asked) and not asked.star_tag and asked.contains_weak(etag)


def not_modified(etag: str):
    """The 304 answer: no body, the same ETag (security headers are added after)."""
    response = current_app.response_class(status=304)
    response.set_etag(etag)
    return response


def conditional_page(scope: str | Callable[[], str]):
    """Give the view's page an ETag from its identity, and answer 304 before rendering when the
    browser already holds this very page.

    `scope` is USER or OVERALL, or a function of the request choosing one. Goes inside the
    access decorator, so who may see the page is decided before anything is answered."""

    def decorate(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            identity = page_identity(scope() if callable(scope) else scope)
            if identity is None:
                return view(*args, **kwargs)
            etag = page_etag(identity)
            if _asked_with(etag):
                return not_modified(etag)
            response = make_response(view(*args, **kwargs))
            if _whole_page(response):
                response.set_etag(etag)
            return response

        return wrapped

    return decorate


def _whole_page(response) -> bool:
    """Whether a freshly rendered answer is the page itself, the same for every request with
    its identity: not an error, a redirect or a streamed file, and no message left for the
    next page."""
    if response.status_code != 200 or response.mimetype != "text/html" or response.is_streamed:
        return False
    return not session.get("_flashes")


# Small facts about the reader that every page shows (the unread count, whether new standards
# await acknowledgement), kept per process under the reader's and the shared change counters.
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


# Facts about shared data (content, certification definitions, the standards version) that
# pages look up on every render, kept per process under the shared change counter.
_SHARED_LIMIT = 2_000
_shared: dict[tuple, object] = {}


def shared_value(name: str | tuple, compute: Callable[[], object]):
    """compute(), or the value it gave while shared data has not changed since (the shared
    change counter). The value must be plain data, or ORM objects detached from their session
    with every attribute the callers read loaded. Requests use kept values until they change
    shared data themselves (see _sees_own_shared_changes); a command or a job always computes
    afresh."""
    if not has_request_context():
        return compute()
    row = counters()
    if row is None or _sees_own_shared_changes():
        return compute()
    key = (name, row.epoch, row.shared)
    try:
        return _shared[key]
    except KeyError:
        pass
    if len(_shared) >= _SHARED_LIMIT:
        _shared.clear()
    value = _shared[key] = compute()
    return value


def _sees_own_shared_changes() -> bool:
    """Whether this request may see shared data other than what its counters stand for: it
    has changed shared data in its open transaction, or committed such a change since the
    counters were read. A request that writes (a form posted, say) mostly changes only its
    reader's own data, and then reads what a reading request would. Changes not yet flushed
    are flushed first: they are then counted, so that what is computed afresh (on the same
    transaction) includes them and is not kept for others."""
    session = db.session()
    if tracking.shared_commits(session) != g.get("page_counters_commits", 0):
        return True
    if session.autoflush and (session.new or session.dirty or session.deleted):
        session.flush()
    return tracking.pending(session).shared


def detached(statement) -> list:
    """The ORM objects a statement selects, loaded in a session of their own on this request's
    connection (the same transaction) and detached from it: fit to be kept by shared_value.
    Objects the request's own session holds are neither touched nor detached. Only what the
    statement loads can be read afterwards (no lazy loading)."""
    with Session(bind=db.session.connection(), expire_on_commit=False) as own:
        return list(own.scalars(statement).unique())


# Side effects a page view repeats only now and then (remembering where a reader stopped),
# noted per process so that a page view need not ask the database every time.
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
