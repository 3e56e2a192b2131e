"""Conversations as evidence on the standards (source "conversation", weighted by
`evidence_weights.conversation` in standards.yaml), in three queries whatever the numbers.

Each conversation in the window gives, for every standard that maps rubric criteria, one value
per criterion judged in its agent turns (required shown in some turn 1, forbidden committed in
some turn 0), as a role-play answer does. When it has a review, the review in force (the
newest) wins: its criterion items replace the automatic values and its standard items add the
reviewer's rating.
"""

from __future__ import annotations

from datetime import date
from functools import cache

from sqlalchemy import bindparam, select

from app import clock
from app.conversations.models import Conversation, Review, ReviewItem, Scorecard
from app.conversations.scorecards import RATING_VALUES
from app.database import read_rows, users_filter, users_parameters
from app.extensions import db
from app.standards.compliance import Evidence, Rule


@cache
def _conversations_statement(one: bool):
    """Built once per shape: a role-play submitted asks for its agent's conversations."""
    return (
        select(
            Conversation.id,
            Conversation.agent_id,
            Conversation.started_at,
            Conversation.channel,
            Conversation.external_id,
            Conversation.auto_criteria,
        )  # fmt: skip
        .where(users_filter(Conversation.agent_id, one))
        .where(Conversation.started_at >= bindparam("start"))
        .where(Conversation.started_at < bindparam("end"))
    )


def conversation_evidence(user_ids: list[int], rules: list[Rule], first: date, last: date):
    """(agent id, Evidence) of every conversation of these agents from first to last."""
    zone, (start, end) = clock.zone(), clock.day_bounds(first, last)
    statement = _conversations_statement(len(user_ids) == 1)
    params = {**users_parameters(user_ids), "start": start, "end": end}
    conversations = read_rows(db.session, statement, params).all()
    reviewed = _reviewed([row.id for row in conversations]) if conversations else {}
    for row in conversations:
        values = dict(row.auto_criteria or {})
        criteria, standards = reviewed.get(row.id, ({}, {}))
        values |= criteria
        note = {"channel": row.channel, "reference": row.external_id,
                "reviewed": row.id in reviewed}  # fmt: skip
        on = row.started_at.astimezone(zone).date()
        for rule in rules:
            for criterion in sorted(rule.criteria & values.keys()):
                yield row.agent_id, Evidence(rule.id, values[criterion], on, "conversation",
                                             row.id, criterion, note)  # fmt: skip
            if rule.id in standards:
                yield row.agent_id, Evidence(rule.id, standards[rule.id], on, "conversation",
                                             row.id, rule.id, note)  # fmt: skip


def _reviewed(conversation_ids: list[int]) -> dict[int, tuple[dict, dict]]:
    """For each reviewed conversation, from the review in force: the value of each criterion
    item and of each standard item the reviewer rated (n/a left out)."""
    rows = db.session.execute(
        select(
            Review.id,
            Review.conversation_id,
            Review.scorecard_id,
            ReviewItem.item_id,
            ReviewItem.rating,
        )  # fmt: skip
        .join(ReviewItem, ReviewItem.review_id == Review.id)
        .where(Review.conversation_id.in_(conversation_ids))
    ).all()
    latest: dict[int, int] = {}
    for row in rows:
        latest[row.conversation_id] = max(row.id, latest.get(row.conversation_id, 0))
    items = _scorecard_items({row.scorecard_id for row in rows})
    found: dict[int, tuple[dict, dict]] = {cid: ({}, {}) for cid in latest}
    for row in rows:
        value = RATING_VALUES[row.rating]
        if latest[row.conversation_id] != row.id or value is None:
            continue
        item = items[row.scorecard_id][row.item_id]
        criteria, standards = found[row.conversation_id]
        if item["criterion"]:
            criteria[item["criterion"]] = value
        else:
            standards[item["standard"]] = value
    return found


def _scorecard_items(scorecard_ids: set[int]) -> dict[int, dict[str, dict]]:
    if not scorecard_ids:
        return {}
    rows = db.session.execute(
        select(Scorecard.id, Scorecard.definition).where(Scorecard.id.in_(scorecard_ids))
    )
    return {row.id: {i["id"]: i for i in row.definition["items"]} for row in rows}
