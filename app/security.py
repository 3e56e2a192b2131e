"""The client's address behind trusted proxies, security headers on every response, and write
intent for state-changing requests."""

import time

from flask import Flask, current_app, g, request, session
from flask_wtf.csrf import generate_csrf
from werkzeug.middleware.proxy_fix import ProxyFix

from app.database import set_write_intent

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}

# Pages a signed-in reader's own browser may keep and ask again about ("private, no-cache":
# every showing is revalidated with the page's ETag, app/page_cache/pages.py, and a 304 costs
# the server almost nothing). Only pages about the reader's own learning and the shared
# course content, never other people's data: the team dashboard, reports, people's pages and
# everything else stay "no-store", so that the back button of a shared computer never shows
# them to the next person. Signing out clears the browser's cache of the site as well.
REVALIDATED_PAGES = frozenset({"main.home", "courses.catalogue", "courses.course",
                               "courses.lesson"})  # fmt: skip


def writes(view):
    """Marks a GET view that records something (e.g. where the reader stopped)."""
    view.writes = True
    return view


def proxy_hops(app: Flask) -> int:
    value = str(app.config.get("PROXY_HOPS", 0)).strip()
    if not (value.isascii() and value.isdigit()):
        raise RuntimeError(
            f"PROXY_HOPS must be a whole number of proxies (0 or more), not {value!r}"
        )
    return int(value)


def init_app(app: Flask) -> None:
    hops = proxy_hops(app)
    if hops:
        # The address (and scheme) the last `hops` proxies saw; entries further left in
        # X-Forwarded-For were written by the client and are not believed.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)
    # Every template's forms (the layout's language and sign-out forms on every page) take
    # their token from form_token (below), in place of Flask-WTF's global and context value.
    app.jinja_env.globals["csrf_token"] = form_token
    app.context_processor(lambda: {"csrf_token": form_token})

    @app.before_request
    def _mark_writes():
        # Write transactions on SQLite take the lock at BEGIN, so writers queue instead of failing.
        view = app.view_functions.get(request.endpoint)
        set_write_intent(request.method in WRITE_METHODS or getattr(view, "writes", False))

    @app.teardown_request
    def _end_writes(_exc):
        # The mark ends with its request: work done afterwards in the same thread (a command, a
        # test reading its own data) must not take the write lock for a plain read.
        set_write_intent(False)

    @app.after_request
    def _headers(response):
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Referrer-Policy"] = "same-origin"
        response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
        response.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
        if app.config.get("SESSION_COOKIE_SECURE"):
            response.headers["Strict-Transport-Security"] = "max-age=31536000"
        if request.endpoint != "static" and session.get("_user_id") is not None:
            # Whatever a signed-in person is shown stays out of the browser's and proxies'
            # caches: on a shared computer the back button would show it to the next person.
            # Read from the session (Flask-Login's key), not current_user: no database here.
            response.headers["Cache-Control"] = (
                "private, no-cache" if _revalidated(response) else "no-store"
            )
        return response


# A session's signed form token, kept per process for a short while: signing one (an HMAC, a
# compression and two encodings) cost about 25 microseconds, paid by every page, since the
# layout holds two forms. The token is the one Flask-WTF makes and checks, bound to the
# session's secret as always; a kept one is at most FORM_TOKEN_KEEP_SECONDS older when the
# page is sent, so it expires that much sooner (WTF_CSRF_TIME_LIMIT, an hour by default).
FORM_TOKEN_KEEP_SECONDS = 30
_FORM_TOKENS_LIMIT = 10_000
_form_tokens: dict[tuple, tuple[str, float]] = {}


def form_token() -> str:
    """generate_csrf(), or the token it gave this session's secret a few seconds ago."""
    config = current_app.config
    field = config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    held = g.get(field)  # Flask-WTF's own place for the request's token
    if held is not None:
        return held
    secret = session.get(field)
    if secret is None:  # the session's first form: its secret is made with the token
        return generate_csrf()
    limit = config.get("WTF_CSRF_TIME_LIMIT", 3600)
    keep = FORM_TOKEN_KEEP_SECONDS if limit is None else min(FORM_TOKEN_KEEP_SECONDS, limit / 60)
    key = (config.get("WTF_CSRF_SECRET_KEY") or current_app.secret_key, secret)
    now = time.monotonic()
    found = _form_tokens.get(key)
    if found is not None and now - found[1] < keep:
        setattr(g, field, found[0])  # forms built later in the request carry the same
        return found[0]
    token = generate_csrf()
    if len(_form_tokens) >= _FORM_TOKENS_LIMIT:
        _form_tokens.clear()
    _form_tokens[key] = (token, now)
    return token


def _revalidated(response) -> bool:
    """A page of REVALIDATED_PAGES answered with its ETag: the page itself (200) or "not
    changed" (304); never an error, a redirect, or a page carrying a message shown once."""
    return (
        request.endpoint in REVALIDATED_PAGES
        and response.status_code in (200, 304)
        and "ETag" in response.headers
    )
