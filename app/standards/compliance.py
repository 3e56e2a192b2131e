"""Turning evidence into a compliance status. Pure Python: no Flask, no database.

Evidence values are between 0 and 1: a role-play criterion met or a forbidden one avoided is 1,
an observation rating is met 1 / partly 0.5 / not met 0 (n/a is not evidence), and a KPI figure
is 1 when it meets its target. The score is their mean over the window, each weighted by its
source's weight (`evidence_weights` in standards.yaml, 1 by default); the standard's thresholds
turn it into a status.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from app.scoring.result import criteria_presence

RATING_VALUES = {"met": 1.0, "partly": 0.5, "not_met": 0.0, "na": None}
STATUS_LEVEL = {"no_evidence": 0, "not_met": 1, "developing": 2, "met": 3}


@dataclass(frozen=True)
class Rule:
    """What a standard counts as evidence, from its definition in standards.yaml."""

    id: str
    met: float
    developing: float
    criteria: frozenset[str] = frozenset()
    observation: bool = True
    kpis: tuple[tuple[str, float, str], ...] = ()  # (metric, target, direction)
    remedial_course: str | None = None

    @classmethod
    def from_definition(cls, standard: dict) -> Rule:
        evidence = standard.get("evidence", {})
        kpis = tuple((k["metric"], k["target"], k["direction"]) for k in evidence.get("kpis", []))
        return cls(
            id=standard["id"],
            met=standard["thresholds"]["met"],
            developing=standard["thresholds"]["developing"],
            criteria=frozenset(evidence.get("criteria", [])),
            observation=evidence.get("observation", True),
            kpis=kpis,
            remedial_course=standard.get("remedial_course"),
        )


@dataclass(frozen=True)
class Evidence:
    """One piece of evidence for one standard, with what the drill-down shows about it; or, in a
    recompute, `count` pieces of the same value (app.standards.evidence)."""

    standard_id: str
    value: float
    on: date
    source: str  # "roleplay" | "observation" | "kpi" | "conversation"
    ref_id: int  # the attempt, observation, KPI value or conversation
    label: str = ""  # the criterion, rating or metric
    note: dict = field(default_factory=dict, compare=False)
    weight: float = 1.0  # its source's weight
    # how many pieces of evidence of the same value this item stands for (the recompute reads
    # role-plays that judged alike as one item: app.standards.evidence)
    count: int = 1


@dataclass(frozen=True)
class Assessment:
    status: str
    score: float | None
    count: int


def window_start(today: date, window_days: int) -> date:
    """The first day that counts: the window is the last `window_days` days, today included."""
    return today - timedelta(days=window_days - 1)


def status_for(score: float | None, met: float, developing: float) -> str:
    if score is None:
        return "no_evidence"
    # Rounding keeps a share like 0.85 (17 of 20) from falling under a 0.85 threshold.
    score = round(score, 9)
    if score >= met:
        return "met"
    return "developing" if score >= developing else "not_met"


def assess(items: list[Evidence], rule: Rule, today: date, window_days: int) -> Assessment:
    """The status of one agent on one standard from the evidence in the window: the weighted
    mean of its values (evidence of weight 0 is listed but does not count)."""
    return assess_all(items, [rule], today, window_days)[rule.id]


def assess_all(
    items: list[Evidence], rules: list[Rule], today: date, window_days: int
) -> dict[str, Assessment]:
    """assess() of one agent's evidence on every standard: each item is sorted into its
    standard once (an agent's window holds hundreds of items, each for one standard)."""
    first = window_start(today, window_days)
    found: dict[str, list[Evidence]] = {rule.id: [] for rule in rules}
    for e in items:
        if first <= e.on <= today and e.standard_id in found:
            found[e.standard_id].append(e)
    out = {}
    for rule in rules:
        mine = found[rule.id]
        total = sum(e.weight * e.count for e in mine)
        score = sum(e.value * e.weight * e.count for e in mine) / total if total > 0 else None
        count = sum(e.count for e in mine)
        out[rule.id] = Assessment(status_for(score, rule.met, rule.developing), score, count)
    return out


def observation_value(rating: str) -> float | None:
    return RATING_VALUES[rating]


def kpi_value(value: float, target: float, direction: str) -> float:
    met = value <= target if direction == "at_most" else value >= target
    return 1.0 if met else 0.0


def observation_outcome(items: list[tuple[str, bool]]) -> tuple[float | None, bool]:
    """(score, failed) of an observation from its (rating, critical) items: a critical standard
    not met fails the whole observation, whatever the other ratings."""
    failed = any(critical and rating == "not_met" for rating, critical in items)
    values = [RATING_VALUES[rating] for rating, _ in items if RATING_VALUES[rating] is not None]
    if failed:
        return 0.0, True
    return (sum(values) / len(values) if values else None), False


def criterion_values(detail: dict, override: dict | None) -> dict[str, float]:
    """Evidence value of each criterion judged in a role-play answer.

    The scorer stores `criteria` (required: present = met) and `violations` (forbidden:
    present = committed). A dialogue stores them per turn: a required criterion counts as met
    when shown in any turn, a forbidden one as committed when it happened in any turn. A
    manager's override names criteria with the same meaning of "present" and wins. `detail`
    may be the whole detail or its summary kept in Answer.criteria: both give the same values.
    """
    required, forbidden = _presence(detail)
    for criterion, present in (override or {}).items():
        if criterion in forbidden:
            forbidden[criterion] = bool(present)
        else:
            required[criterion] = bool(present)
    values = {cid: 1.0 if present else 0.0 for cid, present in required.items()}
    values |= {cid: 0.0 if committed else 1.0 for cid, committed in forbidden.items()}
    return values


def _presence(detail: dict) -> tuple[dict[str, bool], dict[str, bool]]:
    found = criteria_presence(detail)
    return found["criteria"], found["violations"]


def roleplay_evidence(detail: dict, override: dict | None, rules: list[Rule], on: date,
                      attempt_id: int, note: dict | None = None) -> list[Evidence]:  # fmt: skip
    """The evidence one role-play answer gives for every standard that maps its criteria."""
    values = criterion_values(detail, override)
    found = []
    for rule in rules:
        for criterion in sorted(rule.criteria & values.keys()):
            found.append(
                Evidence(
                    rule.id, values[criterion], on, "roleplay", attempt_id, criterion, note or {}
                )  # fmt: skip
            )
    return found


def spread(scores: list[float | None]) -> float | None:
    """How far apart a team's agents are on a standard: highest minus lowest score."""
    known = [s for s in scores if s is not None]
    return max(known) - min(known) if len(known) >= 2 else None
