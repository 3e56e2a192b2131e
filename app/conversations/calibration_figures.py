"""What a calibration's pages show: each item's scores side by side, the agreement per
scorecard item or rubric criterion over the session (percent agreement, Krippendorff's alpha, each reviewer's
distance from the agreed score or from the others), and each reviewer's distance from agreed
scores month by month. Ratings count as met 1, partly 0.5, not met 0 (as on the scorecard);
"not applicable" is a category of its own for the nominal figures and missing for the others."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import format_date
from sqlalchemy import select

from app import charts, clock
from app.conversations import agreement
from app.conversations.calibration import agreed_of, automatic_rating, scorecard_items
from app.conversations.models import (
    CalibrationAgreed,
    CalibrationComment,
    CalibrationItem,
    CalibrationScore,
    CalibrationSession,
)
from app.conversations.scorecards import RATING_VALUES
from app.extensions import db
from app.models_base import localized
from app.people.models import Role, User


@dataclass
class Agreement:
    """The agreement of the reviewers on one scorecard item (or on all of them)."""

    key: str  # the scorecard item id, "" for all items
    title: str
    ratings: int  # how many ratings went in
    percent: float | None  # 0-1
    alpha_nominal: float | None
    alpha_interval: float | None
    spread: dict[int, float | None]  # reviewer id -> mean distance (0-1 scale)


@dataclass
class ItemRow:
    """One scorecard item of a calibrated conversation, or one criterion of a role-play reply
    (with the scorer's decision as a rating, `auto`, shown once the scores are)."""

    key: str
    title: str
    critical: bool
    scores: list[CalibrationScore]
    agreed: str | None
    comments: list[CalibrationComment] = field(default_factory=list)
    percent: float | None = None
    auto: str | None = None


def _value(rating: str | None) -> float | None:
    return None if rating is None else RATING_VALUES[rating]


def scores_of(item_ids: list[int]) -> dict[int, dict[int, dict[str, CalibrationScore]]]:
    """item id -> reviewer id -> scorecard item -> score."""
    found: dict[int, dict[int, dict[str, CalibrationScore]]] = defaultdict(dict)
    if not item_ids:
        return found
    query = select(CalibrationScore).where(CalibrationScore.item_id.in_(item_ids))
    for score in db.session.scalars(query.order_by(CalibrationScore.id)):
        found[score.item_id].setdefault(score.reviewer_id, {})[score.scorecard_item] = score
    return found


def item_rows(item: CalibrationItem, locale: str) -> list[ItemRow]:
    """What the item is rated on with every reviewer's score, the agreed one, the discussion
    and, for a role-play reply, the automatic decision, per scorecard item or criterion."""
    scores = scores_of([item.id]).get(item.id, {})
    agreed = agreed_of([item.id])[item.id]
    comments: dict[str, list[CalibrationComment]] = defaultdict(list)
    query = select(CalibrationComment).where(CalibrationComment.item_id == item.id)
    for comment in db.session.scalars(query.order_by(CalibrationComment.id)):
        comments[comment.scorecard_item].append(comment)
    rows = []
    for entry in scorecard_items(item):
        given = [by_item[entry["id"]] for by_item in scores.values() if entry["id"] in by_item]
        row = ItemRow(entry["id"], localized(entry["title"], locale), entry["critical"], given,
                      agreed[entry["id"]].rating if entry["id"] in agreed else None,
                      comments[entry["id"]])  # fmt: skip
        row.percent = agreement.percent_agreement([[s.rating] for s in given])
        row.auto = automatic_rating(item, entry["id"]) if item.is_roleplay else None
        rows.append(row)
    return rows


def session_agreement(session: CalibrationSession, locale: str) -> list[Agreement]:
    """Per scorecard item (in the order of the first item naming it), then over all items: the
    units are the session's conversations and role-play replies, the coders its reviewers. A
    role-play reply's criterion counts with the scorecard item that maps to the same rubric
    criterion (met means shown, or avoided for a forbidden one, on both)."""
    reviewers = [m.reviewer_id for m in session.members]
    scores = scores_of([item.id for item in session.items])
    agreed = agreed_of([item.id for item in session.items])
    units: dict[tuple, list[tuple[int, str]]] = {}
    keys: dict[tuple, str] = {}
    titles: dict[tuple, str] = {}
    for item in session.items:
        for entry in scorecard_items(item):
            group = (
                ("criterion", entry["criterion"])
                if entry.get("criterion")
                else ("item", entry["id"])
            )
            units.setdefault(group, []).append((item.id, entry["id"]))
            keys.setdefault(group, entry["id"])
            titles.setdefault(group, localized(entry["title"], locale))
    everything = [unit for found in units.values() for unit in found]
    figures = [_agreement(keys[group], titles[group], found, reviewers, scores, agreed)
               for group, found in units.items()]  # fmt: skip
    figures.append(_agreement("", "", everything, reviewers, scores, agreed))
    return figures


def _agreement(key, title, units, reviewers, scores, agreed) -> Agreement:
    def rating(reviewer_id: int, unit: tuple[int, str]) -> str | None:
        score = scores.get(unit[0], {}).get(reviewer_id, {}).get(unit[1])
        return score.rating if score else None

    nominal = [[rating(r, unit) for unit in units] for r in reviewers]
    numeric = [[_value(value) for value in row] for row in nominal]
    reference = [_value(agreed[i][k].rating if k in agreed[i] else None) for i, k in units]
    spread = agreement.deviations(dict(zip(reviewers, numeric, strict=True)), reference)
    return Agreement(
        key, title, sum(value is not None for row in nominal for value in row),
        agreement.percent_agreement(nominal), agreement.alpha(nominal, "nominal"),
        agreement.alpha(numeric, "interval"), spread,
    )  # fmt: skip


# --- each reviewer's distance from agreed scores over time ------------------------------------


@dataclass
class ReviewerTrend:
    reviewer: User
    values: list[float | None]  # per month, oldest first
    chart: charts.LineChart


@dataclass
class SessionDistance:
    session: CalibrationSession
    by_reviewer: dict[int, float | None]


@dataclass
class Consistency:
    labels: list[str]
    trends: list[ReviewerTrend]
    sessions: list[SessionDistance]
    reviewers: list[User]


def consistency(viewer: User, rtl: bool, months: int = 6) -> Consistency:
    """Each reviewer's mean distance from the agreed scores in the sessions the viewer led (an
    admin: every session), per month of the agreement and per session."""
    query = (
        select(CalibrationScore.reviewer_id, CalibrationScore.rating, CalibrationAgreed.rating,
               CalibrationAgreed.decided_at, CalibrationItem.session_id)
        .join(CalibrationAgreed, (CalibrationAgreed.item_id == CalibrationScore.item_id)
              & (CalibrationAgreed.scorecard_item == CalibrationScore.scorecard_item))
        .join(CalibrationItem, CalibrationItem.id == CalibrationScore.item_id)
        .join(CalibrationSession, CalibrationSession.id == CalibrationItem.session_id)
    )  # fmt: skip
    if viewer.role != Role.ADMIN:
        query = query.where(CalibrationSession.lead_id == viewer.id)
    ends = charts.month_ends(clock.today(), months)
    months_of = [(end.year, end.month) for end in ends]
    zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    per_month: dict[tuple[int, tuple[int, int]], list[float]] = defaultdict(list)
    per_session: dict[tuple[int, int], list[float]] = defaultdict(list)
    for reviewer_id, given, agreed_rating, decided_at, session_id in db.session.execute(query):
        given_value, agreed_value = _value(given), _value(agreed_rating)
        if given_value is None or agreed_value is None:
            continue
        local = decided_at.astimezone(zone)
        distance = abs(given_value - agreed_value)
        per_month[(reviewer_id, (local.year, local.month))].append(distance)
        per_session[(session_id, reviewer_id)].append(distance)
    reviewer_ids = sorted({r for r, _m in per_month})
    reviewers = _people(reviewer_ids)
    labels = [format_date(date(y, m, 1), "LLL yy") for y, m in months_of]
    trends = []
    for reviewer in reviewers:
        values = [_mean(per_month.get((reviewer.id, month))) for month in months_of]
        line = charts.line_chart(list(zip(labels, values, strict=True)), 1, rtl, top_label="1")
        trends.append(ReviewerTrend(reviewer, values, line))
    return Consistency(labels, trends, _sessions(per_session), reviewers)


def _mean(values: list[float] | None) -> float | None:
    return round(sum(values) / len(values), 3) if values else None


def _people(ids: list[int]) -> list[User]:
    if not ids:
        return []
    return list(db.session.scalars(select(User).where(User.id.in_(ids)).order_by(User.id)))


def _sessions(per_session: dict[tuple[int, int], list[float]]) -> list[SessionDistance]:
    ids = sorted({session_id for session_id, _r in per_session})
    if not ids:
        return []
    query = select(CalibrationSession).where(CalibrationSession.id.in_(ids))
    found = []
    for session in db.session.scalars(query.order_by(CalibrationSession.created_at.desc())):
        by_reviewer = {r: _mean(v) for (s, r), v in per_session.items() if s == session.id}
        found.append(SessionDistance(session, by_reviewer))
    return found
