"""score_reply: judge one reply against a rubric.

Score rule: the weighted share of required criteria met, times 100, minus each committed
forbidden criterion's weight taken as a share of the required total; rounded and clamped to
0-100. A committed critical criterion fails the reply whatever the score.

Confidence is the lower of two figures: how far the score sits from the pass mark (0.4 right on
it, 1.0 at 15 points away or more), and the weakest criterion decision (typo-only matches,
evidence that was negated or excluded, or partial evidence lower it).
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections.abc import Iterable

from app.scoring import learned
from app.scoring.analysis import analyse
from app.scoring.matchers import Evidence
from app.scoring.result import CriterionOutcome, ScoreResult
from app.scoring.rubric import Criterion, Rubric
from app.scoring.search import ReplyContext

LANGUAGES = ("ar", "en")
_MARGIN_FLOOR = 0.4
_MARGIN_FULL = 15


def score_reply(
    text: str,
    rubric: Rubric,
    language: str = "ar",
    pass_mark: int = 70,
    second_opinion: bool = True,
) -> ScoreResult:
    """Score a reply. `language` is the question's language; code-mixed replies are expected,
    so patterns of both languages are always applied. With `second_opinion`, the rubric's
    learned model (if one is shipped) reviews the rule decisions (app.scoring.learned)."""
    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {LANGUAGES}, not {language!r}")
    text = text or ""
    ctx = ReplyContext(analyse(text)) if text.strip() else None
    outcomes = [_outcome(c, ctx, text) for c in rubric.criteria]
    model = learned.model_for(rubric.id) if second_opinion and ctx else None
    if model is not None:
        outcomes = _reviewed(outcomes, model, ctx.analysis, rubric.customer)
    criteria = {o.id: o for o in outcomes if o.kind == "required"}
    violations = {o.id: o for o in outcomes if o.kind == "forbidden"}
    score, critical = score_rule((o.kind, o.weight, o.present, o.critical) for o in outcomes)
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
    matches = evidence.matches
    if matches:
        a = ctx.analysis
        spans = _spans(evidence, ctx)
        first = matches[0]
        matched = [text[s:e] for s, e in spans]
        clause = _clause_text(a, first.tokens[0])
        cue = first.pattern.source
    else:
        spans, matched, clause, cue = [], [], "", ""
    rejected = (
        [(_words(ctx.analysis, m.tokens), why) for m, why in evidence.rejected]
        if evidence.rejected
        else []
    )
    return CriterionOutcome(
        id=c.id,
        kind=c.kind,
        present=evidence.present,
        weight=c.weight,
        critical=c.critical,
        standard=c.standard,
        spans=spans,
        matched=matched,
        strength=_round2(evidence.strength),
        criterion=c,
        clause=clause,
        cue=cue,
        rejected=rejected,
    )


_ROUNDED: dict[float, float] = {}


def _round2(value: float) -> float:
    """round(value, 2), kept: a reply's strengths take few values."""
    found = _ROUNDED.get(value)
    if found is None:
        if len(_ROUNDED) >= 4096:
            _ROUNDED.clear()
        found = _ROUNDED[value] = round(value, 2)
    return found


def _clause_text(a, token: int) -> str:
    """The words of the clause that holds a token, as typed (clause ids never decrease
    along the reply, so the clause's tokens are found by bisection)."""
    clause = a.clause
    first = bisect_left(clause, clause[token], 0, token)
    last = bisect_right(clause, clause[token], token) - 1
    return a.text[a.spans[first][0] : a.spans[last][1]]


def _words(a, tokens: tuple[int, ...]) -> str:
    return a.text[a.spans[tokens[0]][0] : a.spans[tokens[-1]][1]]


def rule_findings(outcomes: list[CriterionOutcome]) -> dict[str, float]:
    """What the rules found: criterion id -> strength of the evidence."""
    return {o.id: o.strength for o in outcomes if o.present}


def _reviewed(outcomes, model, a, customer: str | None) -> list[CriterionOutcome]:
    """The outcomes after the learned model's review: each records the model's probability;
    where its opinion differs from the rules', it decides. The outcomes are this reply's own,
    so they are updated in place."""
    seen = learned.customer_analysis(customer) if customer else None
    opinions = model.review(a, rule_findings(outcomes), seen)
    for o in outcomes:
        opinion = opinions.get(o.id)
        if opinion is None:
            continue
        o.model_probability = opinion.probability
        if opinion.present is None or opinion.present == o.present:
            continue
        # the model overrules the rules: its certainty is how far it sits from a coin toss,
        # rounded down, so that an overruled decision is never as sure as the rules' own
        # (a probability of 0.997 is 0.99, not 1.0) and goes to review
        # (counted in thousandths, as the probability is rounded: 100 * 0.57 is 56.99...)
        thousandths = round(1000 * (0.5 + abs(opinion.probability - 0.5)))
        certainty = math.floor(thousandths / 10) / 100
        o.strength = min(round(o.strength, 2), certainty, 0.99)
        o.present, o.decided_by = opinion.present, "model"
        if not o.present:
            o.spans, o.matched, o.clause, o.cue = [], [], "", ""
    return outcomes


def _spans(evidence: Evidence, ctx: ReplyContext | None) -> list[tuple[int, int]]:
    if ctx is None:
        return []
    spans = ctx.analysis.spans
    # contractions give several tokens one span, so duplicates are dropped
    return sorted({spans[i] for m in evidence.matches for i in m.tokens})


def score_rule(judged: Iterable[tuple[str, float, bool, bool]]) -> tuple[int, bool]:
    """The score rule (see the module's docstring) on (kind, weight, present, critical) of each
    criterion: the score 0-100 and whether a committed critical criterion fails the reply. The
    scorer applies it to its own decisions, a reviewer's override to the criteria they set."""
    total = met = penalty = 0.0
    critical_failure = False
    for kind, weight, present, critical in judged:
        if kind == "required":
            total += weight
            met += weight if present else 0
        elif kind == "forbidden" and present:
            penalty += weight
            critical_failure = critical_failure or critical
    score = max(0, min(100, round(100 * (met - penalty) / total))) if total > 0 else 0
    return score, critical_failure


def _confidence(score: int, pass_mark: int, outcomes: list[CriterionOutcome], empty: bool) -> float:
    if empty:
        return 1.0
    margin = min(1.0, _MARGIN_FLOOR + (1 - _MARGIN_FLOOR) * abs(score - pass_mark) / _MARGIN_FULL)
    weakest = min((o.strength for o in outcomes), default=1.0)
    return round(min(margin, weakest), 2)
