"""Schemas of the content files. Every text field is a string or a mapping {ar: ..., en: ...}."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    StringConstraints,
    Tag,
    field_validator,
    model_validator,
)

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{0,79}$")]
StandardId = Annotated[str, StringConstraints(pattern=r"^STD-\d{2,3}$")]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class BilingualText(Strict):
    ar: str = ""
    en: str = ""

    @model_validator(mode="after")
    def _one_language(self):
        if not self.ar.strip() and not self.en.strip():
            raise ValueError("give the text in ar or en")
        return self

    def get(self, locale: str) -> str:
        return (self.ar or self.en) if locale == "ar" else (self.en or self.ar)


def _as_mapping(value):
    return {"ar": value, "en": value} if isinstance(value, str) else value


class TextModel(Strict):
    """Accepts a plain string as the same text in both languages."""

    @field_validator("*", mode="before")
    @classmethod
    def _plain_text(cls, value, info):
        field = cls.model_fields[info.field_name]
        if field.annotation in (BilingualText, BilingualText | None) and isinstance(value, str):
            if not value.strip():
                raise ValueError("must not be empty")
            return _as_mapping(value)
        return value


# A field that is either one value (the same in every language, or in the question's language)
# or a mapping {ar: ..., en: ...}. Validation errors name the branch with these tags; the
# content checker leaves them out of the field path it reports.
ONE_LANGUAGE, PER_LANGUAGE = "(one language)", "(per language)"
UNION_TAGS = frozenset({ONE_LANGUAGE, PER_LANGUAGE})


def _which_form(value) -> str:
    # a mapping when read from a file, the model when it is written back (model_dump)
    return PER_LANGUAGE if isinstance(value, dict | BaseModel) else ONE_LANGUAGE


def one_or_per_language(single, mapping):
    """The type of a field given as `single` or as the `mapping` model {ar: ..., en: ...}."""
    return Annotated[
        Annotated[single, Tag(ONE_LANGUAGE)] | Annotated[mapping, Tag(PER_LANGUAGE)],
        Discriminator(_which_form),
    ]


# --- courses ----------------------------------------------------------------------------------


class LessonEntry(TextModel):
    id: Slug
    title: BilingualText
    minutes: int = Field(default=10, ge=1, le=240)


class CourseFile(TextModel):
    id: Slug
    tier: int = Field(ge=1, le=4)
    title: BilingualText
    summary: BilingualText
    requires: list[Slug] = []
    lessons: list[LessonEntry] = Field(min_length=1)
    quizzes: list[Slug] = []
    standards: list[StandardId] = []


class PathCourse(Strict):
    course: Slug
    due_days: int = Field(ge=0, le=730)


class LearningPath(TextModel):
    id: Slug
    title: BilingualText
    courses: list[PathCourse] = Field(min_length=1)


class PathsFile(Strict):
    paths: list[LearningPath]


# --- standards --------------------------------------------------------------------------------

Category = Literal["timeliness", "accuracy", "communication", "resolution", "professionalism"]
Unit = Literal["seconds", "minutes", "hours", "percent", "count"]


class Metric(TextModel):
    id: Annotated[str, StringConstraints(pattern=r"^[a-z0-9_]{1,60}$")]
    title: BilingualText
    unit: Unit


class KpiTarget(Strict):
    metric: str
    target: float
    direction: Literal["at_most", "at_least"]


class Evidence(Strict):
    criteria: list[str] = []
    observation: bool = True
    kpis: list[KpiTarget] = []


class Thresholds(Strict):
    met: float = Field(ge=0, le=1)
    developing: float = Field(ge=0, le=1)

    @field_validator("developing")
    @classmethod
    def _below_met(cls, value: float, info) -> float:
        if "met" in info.data and value > info.data["met"]:
            raise ValueError("must not be above met")
        return value


class Standard(TextModel):
    id: StandardId
    title: BilingualText
    text: BilingualText
    category: Category
    evidence: Evidence
    thresholds: Thresholds
    remedial_course: Slug | None = None


class ChangelogEntry(TextModel):
    version: str
    date: date
    changes: BilingualText


class EvidenceWeights(Strict):
    """How much one piece of evidence of each source counts in a standard's score."""

    roleplay: float = Field(default=1, ge=0, le=10)
    observation: float = Field(default=1, ge=0, le=10)
    kpi: float = Field(default=1, ge=0, le=10)
    conversation: float = Field(default=1, ge=0, le=10)


class StandardsFile(Strict):
    version: Annotated[str, StringConstraints(min_length=1, max_length=20)]
    published: date
    window_days: int = Field(default=90, ge=7, le=730)
    evidence_weights: EvidenceWeights = EvidenceWeights()
    changelog: list[ChangelogEntry] = []
    metrics: list[Metric] = []
    standards: list[Standard] = Field(min_length=1)


# --- certifications ---------------------------------------------------------------------------


class CertificationRequirements(Strict):
    courses: list[Slug] = []
    quizzes: list[Slug] = []
    acknowledge_standards: bool = False
    standards_met: list[StandardId] = []

    @model_validator(mode="after")
    def _something_required(self):
        if not (self.courses or self.quizzes or self.acknowledge_standards or self.standards_met):
            raise ValueError("name at least one requirement")
        return self


class CertificationEntry(TextModel):
    id: Slug
    title: BilingualText
    summary: BilingualText
    requires: CertificationRequirements
    valid_for_days: int = Field(ge=30, le=3650)
    renew_window_days: int = Field(ge=1, le=365)
    refresher_courses: list[Slug] = Field(min_length=1)
    # Days before expiry on which the holder and their manager are reminded.
    reminder_days: list[Annotated[int, Field(ge=1, le=3650)]] = Field(
        default=[90, 60, 30, 7], max_length=12
    )
    # Whether courses recognised by a placement test count as its required courses.
    accept_recognised: bool = False

    @field_validator("renew_window_days")
    @classmethod
    def _window_inside_validity(cls, value: int, info) -> int:
        if "valid_for_days" in info.data and value >= info.data["valid_for_days"]:
            raise ValueError("must be shorter than valid_for_days")
        return value

    @field_validator("reminder_days")
    @classmethod
    def _reminders_inside_validity(cls, value: list[int], info) -> list[int]:
        if len(set(value)) != len(value):
            raise ValueError("name each day once")
        if "valid_for_days" in info.data and any(d >= info.data["valid_for_days"] for d in value):
            raise ValueError("every day must be fewer than valid_for_days")
        return sorted(value, reverse=True)


class CertificationsFile(Strict):
    certifications: list[CertificationEntry] = Field(min_length=1)
