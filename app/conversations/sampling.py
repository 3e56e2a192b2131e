"""Filling each reviewer's queue by the sampling rules of standards/scorecards.yaml (a team's
reviewer is its manager); a step of the daily job, safe to run again."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import exists, func, select
from sqlalchemy.orm import joinedload

from app import clock
from app.conversations.models import Conversation, QueueItem, Review, SamplingRule
from app.extensions import db
from app.jobs.registry import daily_step
from app.people.models import Role, Team, User
from app.standards import services as standards

BELOW = ("not_met", "developing")


@dataclass(frozen=True)
class Target:
    agent_id: int
    reviewer_id: int
    wanted: int


def month_bounds(today: date) -> tuple[datetime, datetime, str]:
    """The current local month as UTC-aware bounds, and its YYYY-MM label."""
    zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    first = today.replace(day=1)
    following = (first.replace(day=28) + timedelta(days=4)).replace(day=1)
    return (datetime.combine(first, time(), zone), datetime.combine(following, time(), zone),
            first.strftime("%Y-%m"))  # fmt: skip


def targets(today: date) -> list[Target]:
    """How many conversations of the month each agent of a team with a manager should have in
    the queue: the team's rule (or the "*" rule), more when below one of its standards."""
    rules = {r.team_code: r for r in db.session.scalars(select(SamplingRule))}
    if not rules:
        return []
    agents = db.session.execute(
        select(User.id, Team.code, Team.manager_id)
        .join(Team, Team.id == User.team_id)
        .where(User.role == Role.AGENT, User.active, Team.manager_id.is_not(None))
        .order_by(User.id)
    ).all()
    statuses = standards.current_statuses([row.id for row in agents])
    found = []
    for row in agents:
        rule = rules.get(row.code) or rules.get("*")
        if rule is None:
            continue
        wanted = rule.per_agent_per_month
        below = any(statuses.get((row.id, sid)) in BELOW for sid in rule.below_standards)
        if below and rule.below_per_agent_per_month is not None:
            wanted = rule.below_per_agent_per_month
        found.append(Target(row.id, row.manager_id, wanted))
    return found


def fill_queues(today: date | None = None) -> dict:
    """Queue, for every agent, conversations of this month picked at random (a stable order:
    the same day gives the same picks) until the agent's number is reached. The caller
    commits."""
    today = today or clock.today()
    start, end, month = month_bounds(today)
    wanted = {t.agent_id: t for t in targets(today)}
    if not wanted:
        return {"queued": 0}
    queued = _queued_counts(list(wanted), month)
    candidates = _candidates(list(wanted), start, end)
    count = 0
    for agent_id, target in wanted.items():
        missing = target.wanted - queued.get(agent_id, 0)
        picks = sorted(candidates.get(agent_id, []), key=lambda cid: _shuffle(cid, month))
        for conversation_id in picks[: max(missing, 0)]:
            db.session.add(QueueItem(conversation_id=conversation_id,
                                     reviewer_id=target.reviewer_id, month=month,
                                     queued_on=today))  # fmt: skip
            count += 1
    return {"queued": count}


def _shuffle(conversation_id: int, month: str) -> str:
    return hashlib.sha256(f"{month}:{conversation_id}".encode()).hexdigest()


def _queued_counts(agent_ids: list[int], month: str) -> dict[int, int]:
    query = (
        select(Conversation.agent_id, func.count(QueueItem.id))
        .join(Conversation, Conversation.id == QueueItem.conversation_id)
        .where(Conversation.agent_id.in_(agent_ids), QueueItem.month == month)
        .group_by(Conversation.agent_id)
    )
    return dict(db.session.execute(query).all())


def _candidates(agent_ids: list[int], start: datetime, end: datetime) -> dict[int, list[int]]:
    """This month's conversations of these agents that are neither queued nor reviewed."""
    queued = exists().where(QueueItem.conversation_id == Conversation.id)
    reviewed = exists().where(Review.conversation_id == Conversation.id)
    query = (
        select(Conversation.agent_id, Conversation.id)
        .where(Conversation.agent_id.in_(agent_ids), ~queued, ~reviewed)
        .where(Conversation.started_at >= start, Conversation.started_at < end)
    )
    found: dict[int, list[int]] = defaultdict(list)
    for row in db.session.execute(query):
        found[row.agent_id].append(row.id)
    return found


def reviewer_queue(reviewer: User) -> tuple[list[QueueItem], set[int]]:
    """The reviewer's queue, newest month first, and which of its conversations are reviewed."""
    items = list(
        db.session.scalars(
            select(QueueItem)
            .options(joinedload(QueueItem.conversation).joinedload(Conversation.agent))
            .where(QueueItem.reviewer_id == reviewer.id)
            .order_by(QueueItem.month.desc(), QueueItem.id)
        )
    )
    ids = [item.conversation_id for item in items]
    done = set()
    if ids:
        query = select(Review.conversation_id).where(Review.conversation_id.in_(ids))
        done = set(db.session.scalars(query))
    return items, done


@daily_step("conversation sampling", order=25)
def daily_sampling_step() -> dict:
    """Fill reviewers' queues for the month (after the standards statuses are recomputed)."""
    return fill_queues()
