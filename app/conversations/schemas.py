"""The format of standards/scorecards.yaml (documented in standards/SCORECARDS-EXAMPLE.yaml)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints, model_validator

from app.schema_types import BilingualText, Slug, StandardId, Strict, TextModel

Channel = Literal["phone", "chat", "email"]
ItemId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]{0,79}$")]
TeamCode = Annotated[str, StringConstraints(pattern=r"^(\*|[A-Za-z0-9][A-Za-z0-9_.-]{0,39})$")]


class ScorecardItem(TextModel):
    """One thing a conversation is judged on: a rubric criterion (scored automatically on every
    agent turn, and by the reviewer) or a standard (judged by the reviewer only)."""

    id: ItemId
    title: BilingualText | None = None  # default: the criterion's or the standard's title
    criterion: str | None = None
    standard: StandardId | None = None
    weight: float = Field(default=1, gt=0, le=100)
    critical: bool = False  # not met fails the whole conversation

    @model_validator(mode="after")
    def _one_source(self):
        if (self.criterion is None) == (self.standard is None):
            raise ValueError("give either criterion or standard")
        return self


class ScorecardEntry(TextModel):
    id: Slug
    channel: Channel
    title: BilingualText
    pass_mark: int = Field(default=80, ge=0, le=100)
    items: list[ScorecardItem] = Field(min_length=1, max_length=60)


class BelowStandard(Strict):
    standards: list[StandardId] = Field(min_length=1)
    per_agent_per_month: int = Field(ge=0, le=200)


class SamplingEntry(Strict):
    team: TeamCode
    per_agent_per_month: int = Field(ge=0, le=200)
    below_standard: BelowStandard | None = None


class ScorecardsFile(Strict):
    rubric: Slug
    scorecards: list[ScorecardEntry] = Field(min_length=1)
    sampling: list[SamplingEntry] = []
