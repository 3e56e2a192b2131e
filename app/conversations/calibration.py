"""Calibration: a lead (a manager or an admin) picks conversations and role-play replies and
invites reviewers (managers); each reviewer scores every conversation on its channel's
scorecard, and every role-play reply on the rubric criteria it was scored on (met or not met),
blind, with a comment per item; once a reviewer has submitted an item (or the lead has closed
scoring) they see the others' scores, the agreement, the discussion and, for a role-play reply,
the automatic decisions; the lead records the agreed score of every item and closes the session.
Agreed scores of closed sessions are human labels (`agreed_judgements`). Every step is audited.
Callers commit."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime

from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from app import clock
from app.audit import services as audit
from app.conversations.models import (
    RATINGS,
    CalibrationAgreed,
    CalibrationComment,
    CalibrationItem,
    CalibrationMember,
    CalibrationScore,
    CalibrationSession,
    Conversation,
)
from app.conversations.reviews import COMMENT, Ratings, review_scorecard
from app.extensions import db
from app.people import services as people
from app.people.models import Role, User
from app.quizzes.models import Answer, Attempt
from app.quizzes.results import answer_type
from app.quizzes.versions import view_version
from app.scoring.judgements import HumanJudgement
from app.text import TextRule

TITLE = TextRule(max_length=200)
LEADS = (Role.MANAGER, Role.ADMIN)
MAX_ITEMS = 50
# A role-play reply, as the labels name it: attempt:<attempt id>:answer:<answer id>, and for
# one reply of a dialogue :turn:<turn id>.
ANSWER_REFERENCE = re.compile(r"attempt:(\d+):answer:(\d+)(?::turn:([\w-]+))?")
# A rubric criterion is shown or not; for one to avoid, "met" means the reply avoided it.
REPLY_RATINGS = ("met", "not_met")


class CalibrationError(ValueError):
    """A domain error tied to a form field."""

    def __init__(self, field: str, message):
        super().__init__(str(message))
        self.field = field
        self.message = message


# --- who sees what ----------------------------------------------------------------------------


def visible_session(user: User, session_id: int) -> CalibrationSession | None:
    """The session if the user leads it or is one of its reviewers, else None."""
    found = db.session.scalar(
        select(CalibrationSession)
        .options(
            selectinload(CalibrationSession.members).joinedload(CalibrationMember.reviewer),
            selectinload(CalibrationSession.items).joinedload(CalibrationItem.conversation),
            selectinload(CalibrationSession.items)
            .joinedload(CalibrationItem.answer)
            .joinedload(Answer.attempt)
            .joinedload(Attempt.quiz_version),
            selectinload(CalibrationSession.items)
            .joinedload(CalibrationItem.answer)
            .joinedload(Answer.attempt)
            .joinedload(Attempt.quiz),
            joinedload(CalibrationSession.lead),
        )  # fmt: skip
        .where(CalibrationSession.id == session_id)
    )
    if found is None or not (is_lead(user, found) or is_member(user, found)):
        return None
    return found


def sessions_of(user: User) -> list[CalibrationSession]:
    """The sessions the user leads or reviews in, newest first."""
    member = select(CalibrationMember.session_id).where(CalibrationMember.reviewer_id == user.id)
    query = (
        select(CalibrationSession)
        .options(selectinload(CalibrationSession.members), joinedload(CalibrationSession.lead))
        .where(or_(CalibrationSession.lead_id == user.id, CalibrationSession.id.in_(member)))
        .order_by(CalibrationSession.created_at.desc(), CalibrationSession.id.desc())
    )
    return list(db.session.scalars(query))


def is_lead(user: User, session: CalibrationSession) -> bool:
    return session.lead_id == user.id


def is_member(user: User, session: CalibrationSession) -> bool:
    return any(m.reviewer_id == user.id for m in session.members)


def submitted_by(item: CalibrationItem) -> set[int]:
    """The reviewers who have submitted their scores for the item."""
    query = select(CalibrationScore.reviewer_id).where(CalibrationScore.item_id == item.id)
    return set(db.session.scalars(query.distinct()))


def submitted_items(session: CalibrationSession, reviewer: User) -> set[int]:
    query = select(CalibrationScore.item_id).where(
        CalibrationScore.reviewer_id == reviewer.id,
        CalibrationScore.item_id.in_([item.id for item in session.items]),
    )
    return set(db.session.scalars(query.distinct()))


def sees_scores(user: User, session: CalibrationSession, item: CalibrationItem) -> bool:
    """Blind scoring: a reviewer sees the others' scores of an item, its agreement, its
    discussion (and a role-play reply's automatic decisions) only once they have submitted their
    own, or once scoring is closed. A lead who does not score sees them as they come."""
    if session.scoring_closed_at is not None:
        return True
    if is_member(user, session):
        return user.id in submitted_by(item)
    return is_lead(user, session)


def sees_summary(user: User, session: CalibrationSession) -> bool:
    """The agreement over the whole session: once the user may see every item's scores."""
    if session.scoring_closed_at is not None:
        return True
    if is_member(user, session):
        return len(submitted_items(session, user)) == len(session.items)
    return is_lead(user, session)


def scorecard_items(item: CalibrationItem) -> list[dict]:
    """What a reviewer rates: a conversation's scorecard items, or the rubric criteria a
    role-play reply was scored on (met or not met only; titles in both languages)."""
    if item.answer_id is None:
        return item.scorecard.definition["items"]
    reply = item_reply(item)
    return [
        {"id": o["id"], "title": o["title"], "criterion": o["id"], "kind": o["kind"],
         "critical": bool(o["critical"]), "ratings": REPLY_RATINGS}
        for o in (reply["required"] + reply["forbidden"] if reply else [])
    ]  # fmt: skip


def item_reply(item: CalibrationItem) -> dict | None:
    """The role-play reply of an item as its question type shows it (app.quizzes.roleplay_types
    reply_view: its detail and outcomes), None for a conversation."""
    if item.answer_id is None:
        return None
    replies = answer_type(item.answer).replies(item.answer.detail)
    return next((r for r in replies if (r["detail"].get("turn") or "") == item.turn), None)


def earlier_replies(item: CalibrationItem) -> list[dict]:
    """The replies of a dialogue before the item's turn (what the customer had heard)."""
    if item.answer_id is None or not item.turn:
        return []
    earlier = []
    for reply in answer_type(item.answer).replies(item.answer.detail):
        if reply["detail"].get("turn") == item.turn:
            break
        earlier.append(reply)
    return earlier


def automatic_rating(item: CalibrationItem, key: str) -> str | None:
    """The scorer's decision on a criterion of a role-play reply, as a rating (met: a required
    criterion shown or a forbidden one avoided); None for a conversation."""
    reply = item_reply(item)
    outcome = next((o for o in (reply["required"] + reply["forbidden"] if reply else [])
                    if o["id"] == key), None)  # fmt: skip
    if outcome is None:
        return None
    met = outcome["present"] if outcome["kind"] == "required" else not outcome["present"]
    return "met" if met else "not_met"


def _audit_ref(item: CalibrationItem) -> dict:
    if item.is_roleplay:
        return {"answer": item.reference}
    return {"conversation": item.reference}


# --- creating ---------------------------------------------------------------------------------


def invitable_reviewers() -> list[User]:
    """Active managers, by name: the people a lead may invite."""
    query = select(User).where(User.role == Role.MANAGER, User.active)
    return list(db.session.scalars(query.order_by(User.name_en, User.id)))


def parse_references(text: str) -> list[str]:
    """Conversation and role-play answer references typed one per line or separated by
    commas, in order, once."""
    seen: list[str] = []
    for reference in re.split(r"[\s,،]+", text or ""):
        if reference and reference not in seen:
            seen.append(reference)
    return seen


def create_session(lead: User, title: str, reviewer_ids: list[int],
                   references: list[str]) -> CalibrationSession:  # fmt: skip
    """A session of these conversations and role-play replies (the lead must be able to see
    their agents) scored by these reviewers (at least two active managers; the lead may be one
    of them). A dialogue answer named without a turn brings every reply of it."""
    if lead.role not in LEADS:
        raise CalibrationError("title", _l("only managers and admins lead a calibration"))
    title = (title or "").strip()
    problem = TITLE.problem(title)
    if not title or problem is not None:
        raise CalibrationError("title", problem.translated() if problem else _l("give a title"))
    reviewers = _reviewers(reviewer_ids)
    items = _items(lead, references)
    session = CalibrationSession(title=title, lead_id=lead.id, created_at=clock.now())
    session.members = [CalibrationMember(reviewer_id=r.id) for r in reviewers]
    for n, item in enumerate(items, start=1):
        item.position = n
    session.items = items
    db.session.add(session)
    db.session.flush()
    audit.record("calibration_created", "calibration", session.id, actor=lead,
                 after={"title": title, "reviewers": [r.id for r in reviewers],
                        "conversations": [i.reference for i in items if not i.is_roleplay],
                        "answers": [i.reference for i in items if i.is_roleplay]})  # fmt: skip
    return session


def _reviewers(reviewer_ids: list[int]) -> list[User]:
    ids = sorted(set(reviewer_ids or []))
    found = list(db.session.scalars(select(User).where(User.id.in_(ids)))) if ids else []
    if any(u.role != Role.MANAGER or not u.active for u in found) or len(found) != len(ids):
        raise CalibrationError("reviewers", _l("invite active managers only"))
    if len(found) < 2:
        raise CalibrationError("reviewers", _l("invite at least two reviewers"))
    return found


def _items(lead: User, references: list[str]) -> list[CalibrationItem]:
    """An item per conversation and per role-play reply named, in the order typed."""
    if not references:
        raise CalibrationError("conversations",
                               _l("pick at least one conversation or role-play answer"))  # fmt: skip
    visible = people.visible_people_query(lead).with_only_columns(User.id)
    conversations = _conversations(visible, [r for r in references
                                             if not ANSWER_REFERENCE.fullmatch(r)])  # fmt: skip
    items: list[CalibrationItem] = []
    seen: set[tuple] = set()
    for reference in references:
        match = ANSWER_REFERENCE.fullmatch(reference)
        if match is None:
            c = conversations[reference]
            items.append(CalibrationItem(conversation_id=c.id, conversation=c,
                                         scorecard_id=review_scorecard(c).id))  # fmt: skip
            continue
        answer = _visible_answer(_agents_of(lead), int(match[1]), int(match[2]))
        if answer is None:
            raise CalibrationError("conversations",
                                   _l("no role-play answer %(reference)s among those you may see",
                                      reference=reference))  # fmt: skip
        turns = [r["detail"].get("turn") or "" for r in answer_type(answer).replies(answer.detail)]
        if match[3] is not None and match[3] not in turns:
            raise CalibrationError("conversations",
                                   _l("the role-play answer %(reference)s has no such turn",
                                      reference=reference))  # fmt: skip
        for turn in [match[3]] if match[3] is not None else turns:
            if (answer.id, turn) not in seen:
                seen.add((answer.id, turn))
                items.append(CalibrationItem(answer_id=answer.id, answer=answer, turn=turn))
    if len(items) > MAX_ITEMS:
        message = ngettext("at most %(num)s item in a calibration",
                           "at most %(num)s items in a calibration", MAX_ITEMS)  # fmt: skip
        raise CalibrationError("conversations", message)
    return items


def _conversations(visible, references: list[str]) -> dict[str, Conversation]:
    if not references:
        return {}
    query = select(Conversation).where(
        Conversation.external_id.in_(references), Conversation.agent_id.in_(visible)
    )
    found = {c.external_id: c for c in db.session.scalars(query)}
    missing = [reference for reference in references if reference not in found]
    if missing:
        raise CalibrationError("conversations",
                               _l("no conversation %(reference)s among those you may see",
                                  reference=missing[0]))  # fmt: skip
    return found


def _agents_of(lead: User):
    """The agents whose role-play answers the lead may calibrate on: those of the review queue
    (a manager's teams; everyone for an admin)."""
    return (
        people.visible_people_query(lead).where(User.role == Role.AGENT).with_only_columns(User.id)
    )


def _visible_answer(agents, attempt_id: int, answer_id: int) -> Answer | None:
    """A role-play answer (one the scorer scored) of an agent the lead may see."""
    return db.session.scalar(
        select(Answer)
        .join(Attempt, Attempt.id == Answer.attempt_id)
        .options(joinedload(Answer.attempt).joinedload(Attempt.quiz_version))
        .where(Answer.id == answer_id, Answer.attempt_id == attempt_id)
        .where(Answer.score.is_not(None), Attempt.user_id.in_(agents))
    )


def recent_answers(lead: User, limit: int = 20) -> list[tuple[str, Answer]]:
    """The newest role-play answers of the agents the lead may see, with their references
    (a dialogue's once: naming it brings every reply)."""
    query = (
        select(Answer)
        .join(Attempt, Attempt.id == Answer.attempt_id)
        .options(joinedload(Answer.attempt).joinedload(Attempt.user),
                 joinedload(Answer.attempt).joinedload(Attempt.quiz))
        .where(Answer.score.is_not(None), Attempt.user_id.in_(_agents_of(lead)))
        .order_by(Attempt.submitted_at.desc(), Answer.id.desc())
        .limit(limit)
    )  # fmt: skip
    return [(f"attempt:{a.attempt_id}:answer:{a.id}", a) for a in db.session.scalars(query)]


# --- scoring ----------------------------------------------------------------------------------


def item_of(session: CalibrationSession, item_id: int) -> CalibrationItem | None:
    return next((item for item in session.items if item.id == item_id), None)


def _checked_ratings(item: CalibrationItem, ratings: Ratings) -> None:
    allowed = {entry["id"]: entry.get("ratings", RATINGS) for entry in scorecard_items(item)}
    if set(ratings) != set(allowed) or any(
        rating not in allowed[key] for key, (rating, _) in ratings.items()
    ):
        raise CalibrationError("ratings", _l("rate every item of the scorecard"))
    for _rating, comment in ratings.values():
        problem = COMMENT.problem(comment or "")
        if problem is not None:
            raise CalibrationError("ratings", problem.translated())


def submit_scores(reviewer: User, session: CalibrationSession, item: CalibrationItem,
                  ratings: Ratings) -> list[CalibrationScore]:  # fmt: skip
    """A reviewer's ratings of every item of a conversation or role-play reply, with
    comments; once."""
    if not is_member(reviewer, session):
        raise CalibrationError("ratings", _l("you are not a reviewer of this calibration"))
    if session.scoring_closed_at is not None:
        raise CalibrationError("ratings", _l("scoring is closed"))
    if reviewer.id in submitted_by(item):
        raise CalibrationError("ratings", _l("you have already scored this item"))
    _checked_ratings(item, ratings)
    now = clock.now()
    scores = [
        CalibrationScore(item_id=item.id, reviewer_id=reviewer.id, scorecard_item=key,
                         rating=rating, comment=(comment or "").strip(), submitted_at=now)
        for key, (rating, comment) in ratings.items()
    ]  # fmt: skip
    db.session.add_all(scores)
    db.session.flush()
    audit.record("calibration_scored", "calibration", session.id, actor=reviewer,
                 after={**_audit_ref(item),
                        "ratings": {s.scorecard_item: s.rating for s in scores}})  # fmt: skip
    return scores


def close_scoring(lead: User, session: CalibrationSession) -> None:
    """Everyone sees every score from now on; nobody scores any more."""
    _lead_only(lead, session)
    if session.scoring_closed_at is None:
        session.scoring_closed_at = clock.now()
        audit.record("calibration_scoring_closed", "calibration", session.id, actor=lead)


def _lead_only(user: User, session: CalibrationSession) -> None:
    if not is_lead(user, session):
        raise CalibrationError("agreed", _l("only the lead of the calibration may do this"))
    if session.closed_at is not None:
        raise CalibrationError("agreed", _l("this calibration is closed"))


# --- discussion and agreement -----------------------------------------------------------------


def add_comment(author: User, session: CalibrationSession, item: CalibrationItem,
                scorecard_item: str, text: str) -> CalibrationComment:  # fmt: skip
    """A message in the discussion of one scorecard item, once the author sees the scores."""
    if not sees_scores(author, session, item):
        raise CalibrationError("text", _l("submit your own scores before joining the discussion"))
    if session.closed_at is not None:
        raise CalibrationError("text", _l("this calibration is closed"))
    if scorecard_item not in {entry["id"] for entry in scorecard_items(item)}:
        raise CalibrationError("scorecard_item", _l("unknown scorecard item"))
    text = (text or "").strip()
    problem = COMMENT.problem(text)
    if not text or problem is not None:
        raise CalibrationError("text", problem.translated() if problem else _l("write a comment"))
    comment = CalibrationComment(item_id=item.id, scorecard_item=scorecard_item,
                                 author_id=author.id, text=text, created_at=clock.now())  # fmt: skip
    db.session.add(comment)
    db.session.flush()
    return comment


def agreed_of(item_ids: list[int]) -> dict[int, dict[str, CalibrationAgreed]]:
    """item id -> scorecard item -> the agreed score."""
    if not item_ids:
        return {}
    found: dict[int, dict[str, CalibrationAgreed]] = {i: {} for i in item_ids}
    query = select(CalibrationAgreed).where(CalibrationAgreed.item_id.in_(item_ids))
    for row in db.session.scalars(query):
        found[row.item_id][row.scorecard_item] = row
    return found


def record_agreed(lead: User, session: CalibrationSession, item: CalibrationItem,
                  ratings: dict[str, str]) -> None:  # fmt: skip
    """The lead's agreed score of every item of a conversation or role-play reply, after
    scoring is closed; recorded again until the session closes (each change audited)."""
    _lead_only(lead, session)
    if session.scoring_closed_at is None:
        raise CalibrationError("agreed", _l("close scoring before recording agreed scores"))
    _checked_ratings(item, {key: (rating, "") for key, rating in ratings.items()})
    existing = agreed_of([item.id])[item.id]
    before = {key: row.rating for key, row in existing.items()}
    now = clock.now()
    for key, rating in ratings.items():
        row = existing.get(key)
        if row is None:
            db.session.add(CalibrationAgreed(item_id=item.id, scorecard_item=key, rating=rating,
                                             decided_by_id=lead.id, decided_at=now))  # fmt: skip
        elif row.rating != rating:
            row.rating, row.decided_by_id, row.decided_at = rating, lead.id, now
    db.session.flush()
    audit.record("calibration_agreed", "calibration", session.id, actor=lead,
                 before={**_audit_ref(item), "ratings": before},
                 after={**_audit_ref(item), "ratings": ratings})  # fmt: skip


def missing_agreed(session: CalibrationSession) -> list[CalibrationItem]:
    """The items of the session still without an agreed score for something they rate."""
    agreed = agreed_of([item.id for item in session.items])
    return [
        item for item in session.items
        if {entry["id"] for entry in scorecard_items(item)} - set(agreed[item.id])
    ]  # fmt: skip


def close_session(lead: User, session: CalibrationSession) -> None:
    """Close a session whose every item has its agreed scores."""
    _lead_only(lead, session)
    if session.scoring_closed_at is None or missing_agreed(session):
        raise CalibrationError("agreed", _l("record the agreed score of every item first"))
    session.closed_at = clock.now()
    audit.record("calibration_closed", "calibration", session.id, actor=lead,
                 after={"items": len(session.items)})  # fmt: skip


# --- human labels -----------------------------------------------------------------------------


def agreed_judgements(since: datetime | None = None) -> Iterator[HumanJudgement]:
    """One HumanJudgement per (calibrated item, rubric criterion) agreed in a closed session
    (decided at or after `since`). Items that map to a standard rather than a rubric criterion
    are left out, and so are agreed ratings that are no yes-or-no decision ("partly", "not
    applicable"). For a forbidden criterion "met" means the agent avoided it, so the judgement
    says it was not present. For a conversation the text is the agent's turns, one per line;
    for a role-play reply it is the reply, with its question's key points and the scorer's
    decisions, named as the labels of overrides name it (attempt:<id>:answer:<id>)."""
    query = (
        select(CalibrationAgreed, CalibrationItem)
        .join(CalibrationItem, CalibrationItem.id == CalibrationAgreed.item_id)
        .join(CalibrationSession, CalibrationSession.id == CalibrationItem.session_id)
        .options(
            joinedload(CalibrationItem.scorecard),
            joinedload(CalibrationItem.conversation).selectinload(Conversation.turns),
            joinedload(CalibrationItem.answer)
            .joinedload(Answer.attempt)
            .joinedload(Attempt.quiz_version),
        )  # fmt: skip
        .where(CalibrationSession.closed_at.is_not(None))
        .order_by(CalibrationItem.session_id, CalibrationItem.id, CalibrationAgreed.id)
    )
    if since is not None:
        query = query.where(CalibrationAgreed.decided_at >= since)
    for agreed, item in db.session.execute(query).unique():
        judgement = _judgement(agreed, item)
        if judgement is not None:
            yield judgement


def _judgement(agreed: CalibrationAgreed, item: CalibrationItem) -> HumanJudgement | None:
    if item.is_roleplay:
        return _reply_judgement(agreed, item)
    definition = item.scorecard.definition
    entry = next((e for e in definition["items"] if e["id"] == agreed.scorecard_item), None)
    criterion = entry.get("criterion") if entry else None
    if criterion is None or agreed.rating not in ("met", "not_met"):
        return None
    kinds = {c["id"]: c.get("kind", "required") for c in definition["rubric"].get("criteria", [])}
    forbidden = kinds.get(criterion) == "forbidden"
    conversation = item.conversation
    value = (conversation.auto_criteria or {}).get(criterion)
    auto_met = None if value is None else (value < 1 if forbidden else value >= 1)
    return HumanJudgement(
        language=conversation.language,
        text="\n".join(t.text for t in conversation.turns if t.speaker == "agent"),
        customer="\n".join(t.text for t in conversation.turns if t.speaker == "customer"),
        criterion=criterion, auto_met=auto_met,
        human_met=(agreed.rating == "not_met") if forbidden else (agreed.rating == "met"),
        source="calibration",
        source_ref=f"calibration:{item.session_id}:{item.id}:{criterion}",
        reply_ref=f"conversation:{conversation.id}",
        decided_at=agreed.decided_at, decided_by_id=agreed.decided_by_id,
    )  # fmt: skip


def _reply_judgement(agreed: CalibrationAgreed, item: CalibrationItem) -> HumanJudgement | None:
    reply = item_reply(item)
    outcomes = (reply["required"] + reply["forbidden"]) if reply else []
    outcome = next((o for o in outcomes if o["id"] == agreed.scorecard_item), None)
    if outcome is None or agreed.rating not in ("met", "not_met"):
        return None
    forbidden = outcome["kind"] == "forbidden"
    detail, attempt = reply["detail"], item.answer.attempt
    question = view_version(attempt.quiz_version).question(item.answer.question_id)[1]
    scenario = _scenario(question, item.turn)
    language = detail.get("language") or attempt.locale
    points = scenario.key_points_in(language, question.language) if scenario else []
    return HumanJudgement(
        language=language, text=detail.get("text") or "", customer=detail.get("customer") or "",
        criterion=outcome["id"], auto_met=bool(outcome["present"]),
        human_met=(agreed.rating == "not_met") if forbidden else (agreed.rating == "met"),
        source="calibration",
        source_ref=f"calibration:{item.session_id}:{item.id}:{outcome['id']}",
        reply_ref=item.reference, decided_at=agreed.decided_at,
        decided_by_id=agreed.decided_by_id,
        key_points=tuple(tuple(str(p) for p in group) for group in points),
        auto_present=frozenset(o["id"] for o in outcomes if o["present"]),
    )  # fmt: skip


def _scenario(question, turn: str):
    """The question, or the dialogue turn the reply answers (None when it is gone)."""
    turns = getattr(question, "turns", None)
    if not turns:
        return question
    return next((t for t in turns if t.id == turn), None)


def open_count(user: User) -> int:
    """How many open sessions the user reviews in (for a link on the queue page)."""
    query = (
        select(func.count(CalibrationSession.id))
        .join(CalibrationMember, CalibrationMember.session_id == CalibrationSession.id)
        .where(CalibrationMember.reviewer_id == user.id, CalibrationSession.closed_at.is_(None))
    )
    return db.session.scalar(query) or 0
