"""A person's decision on one criterion of one reply: the unit of human labels.

Managers' overrides, agreed calibration scores and conversation reviews all come down to
"for this reply, criterion X is met (or present)" decided by a person, beside what the automatic
scorer said. Kept as plain data so that the capabilities that record such decisions and the
tools that export or compare them share one shape without importing each other.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class HumanJudgement:
    language: str  # "ar" or "en": the language the reply is written in
    text: str  # the agent's reply (or conversation turn)
    customer: str  # the customer's message it answers ("" when unknown)
    criterion: str  # a rubric criterion id, e.g. "apology" or "blame_customer"
    auto_met: bool | None  # what the automatic scorer decided (None when it did not score it)
    human_met: bool  # the person's decision: required criterion met / forbidden one present
    source: str  # "override", "calibration" or "review"
    source_ref: str  # a stable reference, e.g. "calibration:12:3"
    decided_at: datetime
    decided_by_id: int | None = None
    key_points: tuple[tuple[str, ...], ...] = ()  # the question's key points, when known
    # Which reply this is, the same for every criterion judged on it, e.g. "attempt:7:answer:12"
    # or "conversation:3:turn:2" ("" when unknown: the reply is then known by its text).
    reply_ref: str = ""
    # Every criterion id the automatic scorer found present on this reply (required met,
    # forbidden committed), when known: what the person accepted for criteria they left alone.
    auto_present: frozenset[str] | None = None

    @property
    def agrees(self) -> bool | None:
        """Whether the person agreed with the automatic decision (None when there was none)."""
        return None if self.auto_met is None else self.auto_met == self.human_met
