"""What the API accepts and answers, as pydantic models. The endpoints validate with these
models and the OpenAPI document is generated from them (app/api/openapi.py).

Request bodies are strict (a number is not a string, unknown fields are refused); query
arguments arrive as text, so they are read leniently ("2" is the page 2).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from app.certification.report import STATUSES as CERTIFICATION_STATUSES
from app.standards.models import STATUSES as STANDARD_STATUSES

CertificationStatus = Literal[CERTIFICATION_STATUSES]  # type: ignore[valid-type]
StandardStatus = Literal[STANDARD_STATUSES]  # type: ignore[valid-type]
AssignmentState = Literal["assigned", "in_progress", "overdue", "completed", "cancelled"]
MAX_PEOPLE = 5000
MAX_PER_PAGE = 200
MAX_CONVERSATIONS = 1000


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class Query(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Answer(BaseModel):
    model_config = ConfigDict(extra="forbid")


# --- errors -----------------------------------------------------------------------------------


class Problem(Answer):
    item: int | None = Field(description="Index of the item in the body's list, if any.")
    field: str
    message: str


class Error(Answer):
    error: str = Field(description="unauthorized, forbidden, not_found, invalid, ...")
    message: str
    errors: list[Problem] | None = Field(
        default=None, description="For `invalid` (422): every problem found."
    )


# --- people -----------------------------------------------------------------------------------


class PersonIn(Body):
    """One person, with the columns and rules of the people CSV import."""

    employee_no: str = Field(description="The key: an existing number updates that person.")
    email: str
    role: str = Field(description="agent, manager, hr or admin.")
    hire_date: str = Field(description="YYYY-MM-DD.", json_schema_extra={"format": "date"})
    name_ar: str = Field(default="", description="name_ar or name_en is required.")
    name_en: str = ""
    department: str = Field(default="", description="A department code.")
    team: str = Field(default="", description="A team code; sets the department too.")
    locale: str = Field(default="", description="ar or en; the installation's by default.")
    active: bool = True


class PeopleUpsert(Body):
    people: list[PersonIn] = Field(min_length=1, max_length=MAX_PEOPLE)
    invite: bool = Field(
        default=False,
        description="E-mail each new active person an invitation to choose their password.",
    )


class PeopleUpserted(Answer):
    created: list[str] = Field(description="Employee numbers of the people added.")
    updated: list[str] = Field(description="Employee numbers of the people changed.")
    unchanged: int
    invited: list[str] = Field(
        default_factory=list, description="Employee numbers of the people invited."
    )


class PersonState(Answer):
    employee_no: str
    active: bool


# --- pages and filters ------------------------------------------------------------------------


class Paging(Query):
    page: int = Field(default=1, ge=1, le=1_000_000)
    per_page: int = Field(default=50, ge=1, le=MAX_PER_PAGE)


class Placement(Paging):
    department: str | None = Field(default=None, description="A department code.")
    team: str | None = Field(default=None, description="A team code.")
    manager: str | None = Field(default=None, description="The team manager's employee number.")


class PageInfo(Answer):
    page: int
    per_page: int
    total: int


# --- assignments ------------------------------------------------------------------------------


class AssignmentCreate(Body):
    course_ids: list[str] = Field(min_length=1, max_length=100)
    employee_nos: list[str] = Field(default=[], max_length=MAX_PEOPLE)
    team_codes: list[str] = Field(default=[], max_length=200)
    due_date: date
    note: str = ""


class AssignmentOut(Answer):
    id: int
    employee_no: str
    course_id: str
    due_date: date | None
    source: str
    state: AssignmentState
    note: str
    created_at: datetime
    completed_at: datetime | None
    cancelled_at: datetime | None


class AssignmentsCreated(Answer):
    created: list[AssignmentOut]
    already_open: int = Field(description="Agent and course pairs that had an open assignment.")


class AssignmentQuery(Paging):
    state: Literal["open", "overdue", "completed", "cancelled", "all"] = "open"
    team: str | None = Field(default=None, description="A team code.")
    course: str | None = None
    employee_no: str | None = None


class AssignmentPage(PageInfo):
    items: list[AssignmentOut]


# --- certification ----------------------------------------------------------------------------


class CertificationQuery(Placement):
    status: CertificationStatus | None = None
    certification: str | None = Field(default=None, description="A certification id.")


class CertificationOut(Answer):
    employee_no: str
    name_ar: str
    name_en: str
    department: str | None = Field(description="Department code.")
    team: str | None = Field(description="Team code.")
    manager: str | None = Field(description="The team manager's employee number.")
    certification: str
    status: CertificationStatus
    percent: int = Field(description="Progress towards the requirements, 0-100.")
    certificate_code: str | None
    valid_from: date | None
    expires_on: date | None
    standards_version: str | None


class CertificationPage(PageInfo):
    items: list[CertificationOut]


class PersonCertifications(Answer):
    employee_no: str
    items: list[CertificationOut]


# --- standards --------------------------------------------------------------------------------


class StandardsQuery(Placement):
    status: StandardStatus | None = Field(
        default=None, description="People with this status on the standard (or on any)."
    )
    standard: str | None = Field(default=None, description="A standard id.")


class StandardStatusOut(Answer):
    standard: str
    status: StandardStatus | None = Field(description="None until first computed.")
    score: float | None
    evidence_count: int
    since: date | None
    computed_on: date | None


class PersonStandards(Answer):
    employee_no: str
    name_ar: str
    name_en: str
    department: str | None
    team: str | None
    manager: str | None
    standards_version: str | None
    standards: list[StandardStatusOut]


class StandardsPage(PageInfo):
    items: list[PersonStandards]


# --- attempts ---------------------------------------------------------------------------------


class AttemptQuery(Paging):
    quiz: str | None = Field(default=None, description="A quiz id.")
    since: date | None = Field(default=None, description="Submitted on or after this day.")


class CriterionOut(Answer):
    id: str
    turn: str | None = Field(description="The dialogue turn, for multi-turn role-plays.")
    kind: Literal["required", "forbidden"]
    weight: float
    critical: bool
    standard: str | None
    present: bool = Field(description="In force: a manager's override, else the scorer's.")
    automatic: bool = Field(description="What the scorer found.")


class AnswerOut(Answer):
    question_id: str
    position: int
    points: float
    max_points: float
    score: float | None = Field(description="Role-plays: the score in force, 0-100.")
    automatic_score: float | None
    overridden: bool
    criteria: list[CriterionOut]


class AttemptOut(Answer):
    id: int
    employee_no: str
    quiz: str
    submitted_at: datetime
    locale: str
    pass_mark: int
    score: float = Field(description="In force: the newest override, else the automatic one.")
    passed: bool
    automatic_score: float
    automatic_passed: bool
    overridden: bool
    answers: list[AnswerOut]


class AttemptPage(PageInfo):
    items: list[AttemptOut]


# --- conversations ----------------------------------------------------------------------------


class ConversationsImport(Body):
    conversations: list[dict[str, Any]] = Field(
        min_length=1, max_length=MAX_CONVERSATIONS,
        description="Each {id, channel (phone, chat or email), agent (employee number), "
        "started_at (ISO 8601; the installation's time zone when it has none), language (ar or "
        "en, optional), turns: [{speaker (customer or agent), text}]}, checked as the JSON file "
        "import checks its items.",
    )  # fmt: skip


class ConversationsImported(Answer):
    added: list[str] = Field(description="Ids of the conversations stored.")
    unchanged: list[str] = Field(description="Ids already stored with the same content.")
    changed: list[str] = Field(
        description="Ids already stored with other content: kept as they were, not imported."
    )
