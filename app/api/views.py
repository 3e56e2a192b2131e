"""The JSON API, version 1. Each view is declared with its scopes and schemas
(app/api/routing.py); the services do the work. Listed in the README with their scopes."""

from __future__ import annotations

from flask import current_app, request

from app.api import attempts, conversations, openapi, people, schemas, status, tokens
from app.api.routing import ApiBlueprint, bearer_secret
from app.extensions import csrf, db, limiter

PREFIX = "/api/v1"
PEOPLE, REPORTS, ASSIGN = "people:write", "reports:read", "assignments:write"
CONVERSATIONS = "conversations:write"

bp = ApiBlueprint("api", __name__, url_prefix=PREFIX)
# Systems send a token, not a session cookie, so there is no cross-site form to guard against.
csrf.exempt(bp)


def _token_key() -> str:
    """Requests are counted per token (its hash), or per address without one."""
    secret = bearer_secret()
    return f"api-token:{tokens.digest(secret)}" if secret else f"api-address:{request.remote_addr}"


limiter.limit(lambda: current_app.config["API_RATE_LIMIT"], key_func=_token_key)(bp)


@bp.operation("GET", "/openapi.json", scopes=None, response=None,
              summary="This API's OpenAPI 3.1 document.")  # fmt: skip
def openapi_document():
    return document()


def document() -> dict:
    return openapi.build_document(
        bp.operations, prefix=PREFIX, title="Khidma API", version="1",
        error_model=schemas.Error, scopes={k: str(v) for k, v in tokens.SCOPES.items()},
    )  # fmt: skip


# --- people -----------------------------------------------------------------------------------


@bp.operation("POST", "/people/upsert", scopes={PEOPLE}, body=schemas.PeopleUpsert,
              list_field="people", response=schemas.PeopleUpserted,
              summary="Add or update people by employee number, all or none.")  # fmt: skip
def upsert_people(token, body):
    return _committed(people.upsert_people(body, token))


@bp.operation("POST", "/people/<employee_no>/deactivate", scopes={PEOPLE},
              response=schemas.PersonState, summary="Deactivate a person.")  # fmt: skip
def deactivate_person(token, employee_no):
    return _committed(people.deactivate_person(employee_no, token))


# --- assignments ------------------------------------------------------------------------------


@bp.operation("POST", "/assignments", scopes={ASSIGN}, body=schemas.AssignmentCreate,
              response=schemas.AssignmentsCreated, status=201,
              summary="Assign courses to agents and teams with a due date.")  # fmt: skip
def create_assignments(token, body):
    return _committed(people.create_assignments(body, token))


@bp.operation("GET", "/assignments", scopes={ASSIGN, REPORTS}, query=schemas.AssignmentQuery,
              response=schemas.AssignmentPage, summary="A page of assignments.")  # fmt: skip
def list_assignments(token, query):
    return people.list_assignments(query, token)


# --- status and attempts ----------------------------------------------------------------------


@bp.operation("GET", "/certifications", scopes={REPORTS}, query=schemas.CertificationQuery,
              response=schemas.CertificationPage,
              summary="Certification status of every active agent, filtered.")  # fmt: skip
def certification_status(token, query):
    return status.certification_page(query, token)


@bp.operation("GET", "/people/<employee_no>/certifications", scopes={REPORTS},
              response=schemas.PersonCertifications,
              summary="One agent's status on every certification.")  # fmt: skip
def person_certifications(token, employee_no):
    return status.person_certifications(people.person_by_number(employee_no), token)


@bp.operation("GET", "/standards", scopes={REPORTS}, query=schemas.StandardsQuery,
              response=schemas.StandardsPage,
              summary="Standards status of every active agent, filtered.")  # fmt: skip
def standards_status(token, query):
    return status.standards_page(query, token)


@bp.operation("GET", "/people/<employee_no>/standards", scopes={REPORTS},
              response=schemas.PersonStandards,
              summary="One person's status on each current standard.")  # fmt: skip
def person_standards(token, employee_no):
    return status.person_standards(people.person_by_number(employee_no))


@bp.operation("GET", "/attempts", scopes={REPORTS}, query=schemas.AttemptQuery,
              response=schemas.AttemptPage,
              summary="Quiz attempts with scores per answer and criterion.")  # fmt: skip
def list_attempts(token, query):
    return attempts.attempts_page(query)


@bp.operation("GET", "/people/<employee_no>/attempts", scopes={REPORTS},
              query=schemas.AttemptQuery, response=schemas.AttemptPage,
              summary="One person's quiz attempts with scores per criterion.")  # fmt: skip
def person_attempts(token, query, employee_no):
    return attempts.attempts_page(query, people.person_by_number(employee_no))


# --- conversations ----------------------------------------------------------------------------


@bp.operation("POST", "/conversations", scopes={CONVERSATIONS}, body=schemas.ConversationsImport,
              list_field="conversations", response=schemas.ConversationsImported,
              summary="Import conversations for quality review, all or none, each once.")  # fmt: skip
def import_conversations(token, body):
    return _committed(conversations.import_conversations(body, token))


def _committed(result):
    db.session.commit()
    return result
