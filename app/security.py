"""The client's address behind trusted proxies, security headers on every response, and write
intent for state-changing requests."""

from flask import Flask, request, session
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


def _revalidated(response) -> bool:
    """A page of REVALIDATED_PAGES answered with its ETag: the page itself (200) or "not
    changed" (304); never an error, a redirect, or a page carrying a message shown once."""
    return (
        request.endpoint in REVALIDATED_PAGES
        and response.status_code in (200, 304)
        and "ETag" in response.headers
    )
