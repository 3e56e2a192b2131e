"""The API's error answers: JSON with an error word and a message in English (systems read
them, not people), and for refused input a list of problems by item and field."""

from __future__ import annotations

from flask import jsonify
from pydantic import ValidationError

ANSWERS = {
    400: ("bad_request", "The request could not be understood."),
    401: ("unauthorized", "Send a valid API token: Authorization: Bearer <token>."),
    403: ("forbidden", "The token does not have the scope this endpoint needs."),
    404: ("not_found", "There is nothing at this address."),
    405: ("method_not_allowed", "This method is not allowed here."),
    413: ("too_large", "The request body is larger than the limit."),
    422: ("invalid", "The request has problems; nothing was changed."),
    429: ("too_many_requests", "Too many requests with this token; wait and try again."),
    500: ("server_error", "Something went wrong; nothing was changed."),
    503: ("unavailable", "The service is busy or restarting; nothing was saved."),
}


class ApiError(Exception):
    """An answer other than success, raised by the API's views and services."""

    def __init__(self, status: int, message: str | None = None, problems: list | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.problems = problems


def problem(field: str, message: str, item: int | None = None) -> dict:
    """One thing wrong with the request: the item of a list (by index) and the field."""
    return {"item": item, "field": field, "message": message}


def invalid(field: str, message: str, item: int | None = None) -> ApiError:
    return ApiError(422, problems=[problem(field, message, item)])


def body(status: int, message: str | None = None, problems: list | None = None) -> dict:
    error, default = ANSWERS.get(status, ANSWERS[500])
    found = {"error": error, "message": message or default}
    if problems is not None:
        found["errors"] = problems
    return found


def response(status: int, message: str | None = None, problems: list | None = None):
    answer = jsonify(body(status, message, problems))
    answer.status_code = status
    if status == 401:
        answer.headers["WWW-Authenticate"] = 'Bearer realm="khidma"'
    answer.headers["Cache-Control"] = "no-store"
    return answer


def from_validation(exc: ValidationError, list_field: str | None = None) -> list[dict]:
    """Pydantic's errors as problems; within `list_field`, the item index is kept apart."""
    problems = []
    for error in exc.errors(include_url=False):
        loc = list(error["loc"])
        item = None
        if list_field and len(loc) >= 2 and loc[0] == list_field and isinstance(loc[1], int):
            item, loc = loc[1], loc[2:]
        field = ".".join(str(part) for part in loc) or "body"
        problems.append(problem(field, error["msg"], item))
    return problems
