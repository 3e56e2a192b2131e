"""Where human judgements come from: each source is a function `(since=None) -> Iterable of
HumanJudgement` named in SOURCES as "module:function", resolved when the app starts (an unknown
name stops it there, not on the first export).

- managers' overrides of role-play answers (source "override"): the override in force on each
  answer, one judgement per criterion it carries; the automatic decision is the scorer's;
- conversation reviews (source "review"): the review in force on a conversation with one agent
  reply, one judgement per scorecard item that maps to a rubric criterion and is rated met or
  not met. A review rates the whole conversation, so where the agent spoke several times no
  single reply can be said to carry (or lack) a criterion, and those reviews are left out;
  "partly" and "n/a" are not a yes or no and are left out too;
- agreed calibration scores (source "calibration", app.conversations.calibration): closed
  sessions only, one judgement per item that maps to a rubric criterion and was agreed met or
  not met; the reply is the agent's turns of the conversation taken together.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from app.conversations.models import Conversation, Review
from app.extensions import db
from app.quizzes.models import Answer, Attempt, ScoreOverride
from app.quizzes.results import answer_type
from app.quizzes.versions import view_version
from app.scoring.judgements import HumanJudgement

Source = Callable[..., Iterable[HumanJudgement]]

# Each entry is one source; add a line to add one.
SOURCES = (
    "app.labelling.sources:override_judgements",
    "app.labelling.sources:review_judgements",
    "app.conversations.calibration:agreed_judgements",
)

_resolved: list[Source] = []


def resolve_sources(names: Iterable[str] = SOURCES) -> list[Source]:
    """The source functions of `names` ("module:function"); raises LookupError naming the one
    that cannot be found, and ValueError for one named twice."""
    seen: set[str] = set()
    found = []
    for name in names:
        if name in seen:
            raise ValueError(f"judgement source named twice: {name}")
        seen.add(name)
        module, _, attribute = name.partition(":")
        try:
            found.append(getattr(importlib.import_module(module), attribute))
        except (ImportError, AttributeError) as exc:
            raise LookupError(f"judgement source {name!r} cannot be found: {exc}") from exc
    return found


def load_sources() -> None:
    """Resolve SOURCES once (the app factory calls it, so a wrong name stops the start)."""
    _resolved[:] = resolve_sources()


def collect(since: datetime | None = None, language: str | None = None) -> list[HumanJudgement]:
    """Every human judgement decided at or after `since` (UTC), of one language or of both,
    newest first."""
    if not _resolved:
        load_sources()
    found = [
        judgement
        for source in _resolved
        for judgement in source(since=since)
        if language is None or judgement.language == language
    ]
    return sorted(found, key=lambda j: (j.decided_at, j.source_ref), reverse=True)


# --- managers' overrides of role-play answers -------------------------------------------------


def override_judgements(since: datetime | None = None) -> Iterator[HumanJudgement]:
    """One judgement per criterion of the override in force on each role-play answer."""
    latest = (
        select(func.max(ScoreOverride.id))
        .where(ScoreOverride.answer_id.is_not(None))
        .group_by(ScoreOverride.answer_id)
    )
    query = (
        select(ScoreOverride, Answer)
        .join(Answer, Answer.id == ScoreOverride.answer_id)
        .options(joinedload(Answer.attempt).joinedload(Attempt.quiz_version))
        .where(ScoreOverride.id.in_(latest))
        .order_by(ScoreOverride.id)
    )
    if since is not None:
        query = query.where(ScoreOverride.created_at >= since)
    for override, answer in db.session.execute(query):
        yield from _override_of(override, answer)


def _override_of(override: ScoreOverride, answer: Answer) -> Iterator[HumanJudgement]:
    attempt = answer.attempt
    question = view_version(attempt.quiz_version).question(answer.question_id)[1]
    for reply in answer_type(answer).replies(answer.detail):
        detail = reply["detail"]
        outcomes = reply["required"] + reply["forbidden"]
        scenario = _scenario(question, detail)
        language = detail.get("language") or attempt.locale
        points = scenario.key_points_in(language, question.language) if scenario else []
        ref = f"attempt:{attempt.id}:answer:{answer.id}"
        if detail.get("turn"):
            ref += f":turn:{detail['turn']}"
        present = frozenset(o["id"] for o in outcomes if o["present"])
        for outcome in outcomes:
            if outcome["key"] not in (override.criteria or {}):
                continue
            yield HumanJudgement(
                language=language, text=detail.get("text") or "",
                customer=detail.get("customer") or "", criterion=outcome["id"],
                auto_met=bool(outcome["present"]),
                human_met=bool(override.criteria[outcome["key"]]), source="override",
                source_ref=f"override:{override.id}:{outcome['key']}",
                decided_at=override.created_at, decided_by_id=override.manager_id,
                key_points=tuple(tuple(str(p) for p in group) for group in points),
                reply_ref=ref, auto_present=present,
            )  # fmt: skip


def _scenario(question, detail: dict):
    """The question, or the dialogue turn the reply answers (None when it is gone)."""
    turns = getattr(question, "turns", None)
    if not turns:
        return question
    return next((turn for turn in turns if turn.id == detail.get("turn")), None)


# --- conversation reviews ---------------------------------------------------------------------

# A scorecard item rated met means a required criterion shown, or a forbidden one avoided.
_RATED = {"met": True, "not_met": False}


def review_judgements(since: datetime | None = None) -> Iterator[HumanJudgement]:
    """One judgement per criterion item of the review in force on each conversation whose agent
    spoke once."""
    latest = select(func.max(Review.id)).group_by(Review.conversation_id)
    query = (
        select(Review)
        .options(selectinload(Review.items), joinedload(Review.scorecard))
        .options(joinedload(Review.conversation).selectinload(Conversation.turns))
        .where(Review.id.in_(latest))
        .order_by(Review.id)
    )
    if since is not None:
        query = query.where(Review.created_at >= since)
    for review in db.session.scalars(query):
        yield from _review_of(review)


def _review_of(review: Review) -> Iterator[HumanJudgement]:
    conversation = review.conversation
    replies = [t for t in conversation.turns if t.speaker == "agent" and t.detail]
    if len(replies) != 1:
        return
    turn = replies[0]
    outcomes = {o["id"]: o for o in turn.detail.get("outcomes", [])}
    items = {item["id"]: item for item in review.scorecard.definition["items"]}
    present = frozenset(cid for cid, o in outcomes.items() if o["present"])
    for rated in review.items:
        criterion = (items.get(rated.item_id) or {}).get("criterion")
        outcome = outcomes.get(criterion)
        if outcome is None or rated.rating not in _RATED:
            continue
        shown = _RATED[rated.rating]
        yield HumanJudgement(
            language=turn.detail.get("language") or conversation.language, text=turn.text,
            customer=turn.detail.get("customer") or "", criterion=criterion,
            auto_met=bool(outcome["present"]),
            human_met=shown if outcome["kind"] == "required" else not shown, source="review",
            source_ref=f"review:{review.id}:{rated.item_id}", decided_at=review.created_at,
            decided_by_id=review.reviewer_id,
            reply_ref=f"conversation:{conversation.id}:turn:{turn.position}",
            auto_present=present,
        )  # fmt: skip
