"""Error pages in the user's language; JSON for API-style requests."""

from flask import Flask, g, render_template, request
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException

from app.api import errors as api_errors
from app.extensions import db, login_manager

API_PREFIX = "/api/"  # the JSON API answers every error in its own JSON shape

MESSAGES = {
    400: (_l("Bad request"), _l("The request could not be understood. Please try again.")),
    403: (_l("Not allowed"), _l("Your account does not have access to this page.")),
    404: (_l("Not found"), _l("There is nothing at this address.")),
    405: (_l("Not allowed"), _l("This action is not available here.")),
    413: (_l("Too large"), _l("The upload is larger than the limit of 5 MB.")),
    429: (_l("Too many attempts"), _l("Please wait a few minutes and try again.")),
    500: (_l("Something went wrong"), _l("The error has been logged. Please try again later.")),
    503: (
        _l("Temporarily unavailable"),
        _l("The service is busy or restarting. Nothing was saved; please try again in a moment."),
    ),
}


def wants_json() -> bool:
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return best == "application/json" and not request.accept_mimetypes.accept_html


def render_error(code: int, detail: str | None = None):
    if request.path.startswith(API_PREFIX):
        return api_errors.response(code, detail)
    title, message = MESSAGES.get(code, MESSAGES[500])
    if wants_json():
        return {"error": str(title), "message": detail or str(message)}, code
    return render_template(
        "errors/error.html", code=code, title=title, message=detail or message
    ), code


def register(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException):
        if (exc.code or 500) >= 500:
            db.session.rollback()  # an unhandled error: nothing half-written is kept
        # abort(code, description=...) from a view says why in its own words (e.g. a quiz that
        # is not offered); werkzeug's generic English descriptions are not shown.
        detail = vars(exc).get("description")
        return render_error(exc.code or 500, detail)

    @app.errorhandler(OperationalError)
    def _database_unavailable(exc: OperationalError):
        db.session.rollback()
        app.logger.warning("database unavailable: %s", exc.orig)
        # Render as a visitor: showing the signed-in user's menu would ask the database again.
        g._login_user = login_manager.anonymous_user()
        return render_error(503)
