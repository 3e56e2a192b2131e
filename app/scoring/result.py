"""Scoring results: per-criterion outcomes and the reply's score, with feedback in JSON form."""

from __future__ import annotations

from dataclasses import dataclass, field

from app.scoring.rubric import Criterion, text_for

_STATUS = {("required", True): "met", ("required", False): "missed"}
_STATUS |= {("forbidden", True): "committed", ("forbidden", False): "avoided"}


@dataclass
class CriterionOutcome:
    """How one criterion came out for one reply."""

    id: str
    kind: str
    present: bool
    weight: float
    critical: bool
    standard: str
    spans: list[tuple[int, int]] = field(default_factory=list)
    matched: list[str] = field(default_factory=list)
    strength: float = 1.0
    criterion: Criterion | None = field(default=None, repr=False, compare=False)
    # The learned second opinion (app.scoring.learned): its probability that the criterion is
    # present, and "model" where it overruled the rules.
    model_probability: float | None = None
    decided_by: str = "rules"
    # Why: the clause that decided it and the rubric wording (cue) found there, and the
    # candidates set aside as (words, reason): negated, a question, the customer's own words...
    clause: str = ""
    cue: str = ""
    rejected: list[tuple[str, str]] = field(default_factory=list)

    def explanation(self) -> dict:
        """The decision and its reasons, as `quizzes score --explain` prints them."""
        return {
            "status": self.status,
            "decided_by": self.decided_by,
            "clause": self.clause,
            "cue": self.cue,
            "model_probability": self.model_probability,
            "rejected": [{"words": words, "reason": reason} for words, reason in self.rejected],
        }

    @property
    def status(self) -> str:
        """met / missed for a required criterion, committed / avoided for a forbidden one."""
        return _STATUS[(self.kind, self.present)]

    def title(self, locale: str = "en") -> str:
        """The criterion's title in `locale` (falls back to the other language)."""
        return text_for(self.criterion.title, locale) if self.criterion else self.id

    def feedback(self, locale: str = "en") -> str:
        """Advice for this outcome in `locale`."""
        if self.criterion is None:
            return ""
        return text_for(self.criterion.feedback.get(self.status), locale)


@dataclass
class ScoreResult:
    """The score of one reply against a rubric."""

    score: int
    passed: bool
    critical_failure: bool
    confidence: float
    criteria: dict[str, CriterionOutcome]
    violations: dict[str, CriterionOutcome]
    language: str = "ar"

    def outcomes(self) -> list[CriterionOutcome]:
        """Required outcomes then forbidden ones, in rubric order."""
        return [*self.criteria.values(), *self.violations.values()]

    def to_json(self, locale: str = "en") -> dict:
        """The command-line contract: score, passed, criteria, violations, feedback, confidence."""
        return {
            "score": self.score,
            "passed": self.passed,
            "criteria": {cid: o.present for cid, o in self.criteria.items()},
            "violations": {cid: o.present for cid, o in self.violations.items()},
            "feedback": [
                {
                    "criterion": o.id,
                    "status": o.status,
                    "text": o.feedback(locale),
                    "matched": list(o.matched),
                    "decided_by": o.decided_by,
                }
                for o in self.outcomes()
            ],
            "confidence": self.confidence,
        }


def criteria_presence(detail: dict) -> dict[str, dict[str, bool]]:
    """The criteria a stored scoring detail judged, merged over a dialogue's turns:
    {"criteria": {id: shown}, "violations": {id: committed}}. A required criterion counts as
    shown when shown in any turn, a forbidden one as committed when committed in any turn.
    The same shape as one reply's detail, so it reads the same wherever a detail is read."""
    parts = detail.get("turns") or [detail]
    required: dict[str, bool] = {}
    forbidden: dict[str, bool] = {}
    for part in parts:
        result = part.get("result") or part
        for cid, present in (result.get("criteria") or {}).items():
            required[cid] = required.get(cid, False) or bool(present)
        for cid, present in (result.get("violations") or {}).items():
            forbidden[cid] = forbidden.get(cid, False) or bool(present)
    return {"criteria": required, "violations": forbidden}
