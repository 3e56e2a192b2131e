"""Loading the evidence of many agents at once: a fixed number of queries, whatever the number
of agents or the length of their history (only the window is read).

Every role-play submitted recomputes its agent's statuses, so the statements are built once
(per shape: one agent or many) and read as plain columns: building a statement and the ORM's
work on its rows cost more than running it."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import replace
from datetime import date
from functools import cache, lru_cache

from sqlalchemy import Text, bindparam, case, cast, exists, func, literal, select
from sqlalchemy.orm import aliased

from app import clock, events
from app.database import read_rows, users_filter, users_parameters
from app.extensions import db
from app.quizzes.models import Answer, Attempt, Quiz, ScoreOverride
from app.quizzes.services import latest_override_ids
from app.standards import compliance
from app.standards.compliance import Evidence, Rule
from app.standards.models import KpiValue, Observation, ObservationItem


def load_evidence(user_ids: list[int], rules: list[Rule], today: date, window_days: int,
                  weights: dict[str, float] | None = None, *,
                  titles: bool = True) -> dict[int, list[Evidence]]:  # fmt: skip
    """Every piece of evidence in the window for each agent, in a fixed number of queries,
    each carrying its source's weight (1 when `weights` does not name the source).

    With `titles` off, for a recompute that shows nothing, role-play evidence is read from each
    answer's small criteria summary instead of its whole scoring detail, and the answers that
    judged alike come as one item per criterion with the number of answers in `count` (see
    `_roleplay_counts`): the same statuses and counts (a score may differ in its last digits
    when a weight is not a whole number), returned in a few rows however many role-plays the
    window holds. Such an item stands for several answers: it is dated the window's last day
    and names no attempt."""
    found: dict[int, list[Evidence]] = defaultdict(list)
    if not user_ids:
        return found
    first = compliance.window_start(today, window_days)
    own = (_roleplay if titles else _roleplay_counts, _observations, _kpis)
    sources = [source(user_ids, rules, first, today) for source in own]
    # Other capabilities' evidence (e.g. reviewed conversations), through evidence_wanted.
    asked = events.evidence_wanted.send(
        None, user_ids=user_ids, rules=rules, first=first, last=today
    )
    sources += [answer for _receiver, answer in asked if answer is not None]
    weights = weights or {}
    for source in sources:
        for user_id, item in source:
            weight = weights.get(item.source, 1.0)
            found[user_id].append(item if weight == item.weight else replace(item, weight=weight))
    return found


@cache
def _roleplay_counts_statement(one: bool):
    # An answer's summary is written from a dict in the scorer's order, so the answers that
    # judged alike share one text and are counted as one row. An answer is read alone (its own
    # row, `alone` its id) when a manager overrode its attempt (the override changes some of
    # its values) or when it has no summary (written around the ORM: its detail is read).
    summary = cast(Answer.criteria, Text)
    overridden = exists().where(ScoreOverride.attempt_id == Answer.attempt_id)
    # a NULL summary makes the condition NULL, so the answer is read alone too
    alone = case(((summary != literal("null")) & ~overridden, None), else_=Answer.id)
    return (
        select(
            Attempt.user_id,
            summary.label("summary"),
            func.count().label("answers"),
            alone.label("alone"),
            func.min(Answer.attempt_id).label("attempt_id"),
            func.min(Attempt.submitted_at).label("submitted_at"),
        )  # fmt: skip
        .join(Attempt, Attempt.id == Answer.attempt_id)
        .where(users_filter(Attempt.user_id, one), Answer.score.is_not(None))
        .where(Attempt.submitted_at >= bindparam("start"), Attempt.submitted_at < bindparam("end"))
        .group_by(Attempt.user_id, summary, alone)
    )


def _roleplay_counts(user_ids, rules, first: date, last: date):
    """Role-play evidence for a recompute, in one statement: per agent, one item per criterion
    and distinct criteria summary, standing for `count` answers of the same value; the answers
    read alone (see the statement) one item per criterion each, as `_roleplay` gives them."""
    if not any(rule.criteria for rule in rules):
        return
    start, end = clock.day_bounds(first, last)
    params = {**users_parameters(user_ids), "start": start, "end": end}
    rows = read_rows(db.session, _roleplay_counts_statement(len(user_ids) == 1), params).all()
    alone = [row for row in rows if row.alone is not None]
    kept = tuple(rules)
    for row in rows:
        if row.alone is None:
            for standard_id, value, criterion in _summary_values(row.summary, kept):
                yield row.user_id, Evidence(standard_id, value, last, "roleplay", 0, criterion,
                                            count=row.answers)  # fmt: skip
    if not alone:
        return
    overrides = _overrides(params, len(user_ids) == 1)
    # An answer written around the ORM (a bulk insert) has no summary: its detail is read.
    missing = [row.alone for row in alone if row.summary in (None, "null")]
    details = _details(missing) if missing else {}
    zone = clock.zone()
    for row in alone:
        flags = _override_flags(overrides, row.attempt_id, row.alone)
        judged = details[row.alone] if row.alone in details else json.loads(row.summary)
        on = row.submitted_at.astimezone(zone).date()
        note = {"overridden": bool(flags)}
        for item in compliance.roleplay_evidence(judged or {}, flags, rules, on, row.attempt_id,
                                                 note):  # fmt: skip
            yield row.user_id, item


@lru_cache(maxsize=256)
def _summary_values(summary: str, rules: tuple[Rule, ...]) -> tuple[tuple[str, float, str], ...]:
    """(standard, value, criterion) of each piece of evidence an answer whose criteria summary
    is `summary` (JSON text) gives."""
    found = compliance.roleplay_evidence(json.loads(summary), None, list(rules), date.min, 0)
    return tuple((item.standard_id, item.value, item.label) for item in found)


def _override_flags(overrides: dict, attempt_id: int, answer_id: int) -> dict | None:
    """The criteria the newest override of the attempt sets for this answer, if any."""
    override = overrides.get(attempt_id)
    return override[1] if override and override[0] in (None, answer_id) else None


@cache
def _roleplay_statement(one: bool):
    return (
        select(
            Answer.id,
            Answer.attempt_id,
            Answer.question_id,
            Answer.detail,
            Attempt.user_id,
            Attempt.submitted_at,
            Quiz.title,
        )  # fmt: skip
        .join(Attempt, Attempt.id == Answer.attempt_id)
        .join(Quiz, Quiz.id == Attempt.quiz_id)
        .where(users_filter(Attempt.user_id, one), Answer.score.is_not(None))
        .where(Attempt.submitted_at >= bindparam("start"), Attempt.submitted_at < bindparam("end"))
    )


def _roleplay(user_ids, rules, first: date, last: date):
    """Role-play evidence as the agent's profile lists it: one item per answer and criterion,
    with the quiz, the question and the criteria's titles."""
    if not any(rule.criteria for rule in rules):
        return
    start, end = clock.day_bounds(first, last)
    params = {**users_parameters(user_ids), "start": start, "end": end}
    overrides = _overrides(params, len(user_ids) == 1)
    zone = clock.zone()
    for row in read_rows(db.session, _roleplay_statement(len(user_ids) == 1), params):
        flags = _override_flags(overrides, row.attempt_id, row.id)
        judged = row.detail or {}
        note = {"quiz": row.title, "question": row.question_id, "overridden": bool(flags),
                "titles": criterion_titles(judged)}  # fmt: skip
        on = row.submitted_at.astimezone(zone).date()
        for item in compliance.roleplay_evidence(judged, flags, rules, on, row.attempt_id, note):
            yield row.user_id, item


def _details(answer_ids: list[int]) -> dict[int, dict]:
    query = select(Answer.id, Answer.detail).where(Answer.id.in_(answer_ids))
    return {row.id: row.detail for row in db.session.execute(query)}


def criterion_titles(detail: dict) -> dict[str, dict]:
    """Each criterion's title in both languages, as the scored answer stored it."""
    replies = detail.get("turns") or [detail]
    return {o["id"]: o.get("title") or {} for reply in replies for o in reply.get("outcomes", [])}


@cache
def _overrides_statement(one: bool):
    latest = latest_override_ids()
    return (
        select(ScoreOverride.attempt_id, ScoreOverride.answer_id, ScoreOverride.criteria)
        .join(latest, latest.c.id == ScoreOverride.id)
        .join(Attempt, Attempt.id == ScoreOverride.attempt_id)
        .where(users_filter(Attempt.user_id, one))
        .where(Attempt.submitted_at >= bindparam("start"), Attempt.submitted_at < bindparam("end"))
    )


def _overrides(params: dict, one: bool) -> dict[int, tuple[int | None, dict]]:
    """The newest override of each attempt in the window (`params`: the users, start and
    end): (answer it targets, criteria)."""
    rows = read_rows(db.session, _overrides_statement(one), params)
    return {attempt_id: (answer_id, criteria or {}) for attempt_id, answer_id, criteria in rows}


@cache
def _observations_statement(one: bool):
    correction = aliased(Observation)
    superseded = exists().where(correction.corrects_id == Observation.id)
    return (
        select(
            ObservationItem.standard_id,
            ObservationItem.rating,
            ObservationItem.comment,
            Observation.id,
            Observation.agent_id,
            Observation.observed_on,
            Observation.channel,
            Observation.reference,
            Observation.failed,
        )  # fmt: skip
        .join(Observation, Observation.id == ObservationItem.observation_id)
        .where(users_filter(Observation.agent_id, one), ~superseded)
        .where(Observation.observed_on >= bindparam("first"))
        .where(Observation.observed_on <= bindparam("last"))
    )


def _observations(user_ids, rules, first: date, last: date):
    observed = {rule.id for rule in rules if rule.observation}
    statement = _observations_statement(len(user_ids) == 1)
    params = {**users_parameters(user_ids), "first": first, "last": last}
    for row in read_rows(db.session, statement, params):
        value = compliance.observation_value(row.rating)
        if value is None or row.standard_id not in observed:
            continue
        note = {"channel": row.channel, "reference": row.reference, "comment": row.comment,
                "failed": row.failed}  # fmt: skip
        yield (
            row.agent_id,
            Evidence(
                row.standard_id, value, row.observed_on, "observation", row.id, row.rating, note
            ),
        )


@cache
def _kpis_statement(one: bool):
    return select(
        KpiValue.id,
        KpiValue.user_id,
        KpiValue.metric,
        KpiValue.value,
        KpiValue.period_start,
        KpiValue.period_end,
    ).where(
        users_filter(KpiValue.user_id, one),
        KpiValue.metric.in_(bindparam("metrics", expanding=True)),
        KpiValue.period_end >= bindparam("first"),
        KpiValue.period_end <= bindparam("last"),
    )


def _kpis(user_ids, rules, first: date, last: date):
    targets: dict[str, list[tuple[str, float, str]]] = defaultdict(list)
    for rule in rules:
        for metric, target, direction in rule.kpis:
            targets[metric].append((rule.id, target, direction))
    if not targets:
        return
    statement = _kpis_statement(len(user_ids) == 1)
    params = {**users_parameters(user_ids), "metrics": list(targets), "first": first, "last": last}
    for kpi in read_rows(db.session, statement, params):
        for standard_id, target, direction in targets[kpi.metric]:
            note = {"value": kpi.value, "target": target, "direction": direction,
                    "start": kpi.period_start.isoformat()}  # fmt: skip
            value = compliance.kpi_value(kpi.value, target, direction)
            yield (
                kpi.user_id,
                Evidence(standard_id, value, kpi.period_end, "kpi", kpi.id, kpi.metric, note),
            )
