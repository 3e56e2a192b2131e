"""score_reply: judge one reply against a rubric.

Score rule: the weighted share of required criteria met, times 100, minus each committed
forbidden criterion's weight taken as a share of the required total; rounded and clamped to
0-100. A committed critical criterion fails the reply whatever the score.

Confidence is the lower of two figures: how far the score sits from the pass mark (0.4 right on
it, 1.0 at 15 points away or more), and the weakest criterion decision (typo-only matches,
evidence that was negated or excluded, or partial evidence lower it).
"""

from __future__ import annotations

from app.scoring.analysis import analyse
from app.scoring.matchers import Evidence
from app.scoring.result import CriterionOutcome, ScoreResult
from app.scoring.rubric import Criterion, Rubric
from app.scoring.search import ReplyContext

LANGUAGES = ("ar", "en")
_MARGIN_FLOOR = 0.4
_MARGIN_FULL = 15


def score_reply(
    text: str, rubric: Rubric, language: str = "ar", pass_mark: int = 70
) -> ScoreResult:
    """Score a reply. `language` is the question's language; code-mixed replies are expected,
    so patterns of both languages are always applied."""
    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {LANGUAGES}, not {language!r}")
    text = text or ""
    ctx = ReplyContext(analyse(text)) if text.strip() else None
    outcomes = [_outcome(c, ctx, text) for c in rubric.criteria]
    criteria = {o.id: o for o in outcomes if o.kind == "required"}
    violations = {o.id: o for o in outcomes if o.kind == "forbidden"}
    score = _score(outcomes)
    critical = any(o.present and o.critical for o in violations.values())
    return ScoreResult(
        score=score,
        passed=score >= pass_mark and not critical,
        critical_failure=critical,
        confidence=_confidence(score, pass_mark, outcomes, ctx is None),
        criteria=criteria,
        violations=violations,
        language=language,
    )


def _outcome(c: Criterion, ctx: ReplyContext | None, text: str) -> CriterionOutcome:
    evidence = c.matcher.evaluate(ctx) if ctx else Evidence(False, [], 1.0)
    spans = _spans(evidence, ctx)
    return CriterionOutcome(
        id=c.id,
        kind=c.kind,
        present=evidence.present,
        weight=c.weight,
        critical=c.critical,
        standard=c.standard,
        spans=spans,
        matched=[text[s:e] for s, e in spans],
        strength=round(evidence.strength, 2),
        criterion=c,
    )


def _spans(evidence: Evidence, ctx: ReplyContext | None) -> list[tuple[int, int]]:
    if ctx is None:
        return []
    spans = ctx.analysis.spans
    # contractions give several tokens one span, so duplicates are dropped
    return sorted({spans[i] for m in evidence.matches for i in m.tokens})


def _score(outcomes: list[CriterionOutcome]) -> int:
    total = sum(o.weight for o in outcomes if o.kind == "required")
    if total <= 0:
        return 0
    met = sum(o.weight for o in outcomes if o.kind == "required" and o.present)
    penalty = sum(o.weight for o in outcomes if o.kind == "forbidden" and o.present)
    return max(0, min(100, round(100 * (met - penalty) / total)))


def _confidence(score: int, pass_mark: int, outcomes: list[CriterionOutcome], empty: bool) -> float:
    if empty:
        return 1.0
    margin = min(1.0, _MARGIN_FLOOR + (1 - _MARGIN_FLOOR) * abs(score - pass_mark) / _MARGIN_FULL)
    weakest = min((o.strength for o in outcomes), default=1.0)
    return round(min(margin, weakest), 2)
