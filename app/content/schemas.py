"""Schemas of the content files. Every text field is a string or a mapping {ar: ..., en: ...}."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import Field, StringConstraints, field_validator, model_validator

from app.schema_types import (
    BilingualText,
    Slug,
    StandardId,
    Strict,
    TextModel,
)

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
