"""Reviews of conversations on their scorecard, agents' disputes, and their resolution by the
agent's manager. Nothing is edited: a dispute resolved with a change adds a review that
supersedes the disputed one. Every step is audited. Callers commit."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from app import clock
from app.audit import services as audit
from app.conversations import scorecards
from app.conversations.models import (
    OUTCOMES,
    RATINGS,
    Conversation,
    Dispute,
    Review,
    ReviewItem,
    Scorecard,
)
from app.extensions import db
from app.models_base import localized
from app.notifications import services as notifications
from app.people import services as people
from app.people.models import Role, Team, User
from app.standards import services as standards
from app.text import TextRule

COMMENT = TextRule(max_length=1000, multiline=True)

notifications.MESSAGES.setdefault(
    "conversation_reviewed", _l("Your conversation %(reference)s was reviewed: %(score)s / 100.")
)
notifications.MESSAGES.setdefault(
    "conversation_review_failed",
    _l("Your conversation %(reference)s was reviewed and failed on a critical item."),
)
notifications.MESSAGES.setdefault(
    "review_disputed", _l("%(agent)s disputes the review of conversation %(reference)s.")
)
notifications.MESSAGES.setdefault(
    "dispute_upheld", _l("Your dispute about conversation %(reference)s: the review stands.")
)
notifications.MESSAGES.setdefault(
    "dispute_changed", _l("Your dispute about conversation %(reference)s: the review was changed.")
)


class ReviewError(ValueError):
    """A domain error tied to a form field."""

    def __init__(self, field: str, message):
        super().__init__(str(message))
        self.field = field
        self.message = message


Ratings = dict[str, tuple[str, str]]  # item id -> (rating, comment)


# --- reading ----------------------------------------------------------------------------------


def visible_conversation(viewer: User, conversation_id: int) -> Conversation | None:
    """The conversation if the viewer may see its agent (own, own team, hr, admin), else None."""
    conversation = db.session.scalar(
        select(Conversation)
        .options(selectinload(Conversation.turns), joinedload(Conversation.agent))
        .where(Conversation.id == conversation_id)
    )
    if conversation is None:
        return None
    if people.get_visible_person(viewer, conversation.agent_id) is None:
        return None
    return conversation


def visible_conversations(viewer: User, page: int, per_page: int = 50):
    """A page of the conversations the viewer may see, newest first, with their agents."""
    visible = people.visible_people_query(viewer).with_only_columns(User.id)
    query = (
        select(Conversation)
        .options(joinedload(Conversation.agent))
        .where(Conversation.agent_id.in_(visible))
        .order_by(Conversation.started_at.desc(), Conversation.id.desc())
    )
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def reviewed_ids(conversation_ids: list[int]) -> set[int]:
    if not conversation_ids:
        return set()
    query = select(Review.conversation_id).where(Review.conversation_id.in_(conversation_ids))
    return set(db.session.scalars(query))


def reviews_of(conversation_id: int) -> list[Review]:
    """Every review of the conversation, oldest first; the last one is in force."""
    query = (
        select(Review)
        .options(
            selectinload(Review.items), joinedload(Review.reviewer), joinedload(Review.scorecard)
        )  # fmt: skip
        .where(Review.conversation_id == conversation_id)
        .order_by(Review.id)
    )
    return list(db.session.scalars(query))


def disputes_of(review_ids: list[int]) -> dict[int, Dispute]:
    if not review_ids:
        return {}
    query = select(Dispute).options(joinedload(Dispute.resolver))
    return {
        d.review_id: d for d in db.session.scalars(query.where(Dispute.review_id.in_(review_ids)))
    }


def review_scorecard(conversation: Conversation) -> Scorecard:
    """The channel's scorecard in force, or the one the conversation was scored on."""
    current = db.session.scalar(
        select(Scorecard).where(Scorecard.active, Scorecard.channel == conversation.channel)
    )
    return current or conversation.scorecard


def manages(manager: User, agent_id: int) -> bool:
    """Whether the manager leads the agent's team."""
    if manager.role != Role.MANAGER:
        return False
    query = select(User.id).join(Team, Team.id == User.team_id)
    return (
        db.session.scalar(query.where(User.id == agent_id, Team.manager_id == manager.id))
        is not None
    )


# --- reviewing --------------------------------------------------------------------------------


def _judged(card: Scorecard, ratings: Ratings) -> scorecards.Outcome:
    items = card.definition["items"]
    known = {item["id"] for item in items}
    if set(ratings) != known:
        raise ReviewError("ratings", _l("rate every item of the scorecard"))
    for rating, comment in ratings.values():
        if rating not in RATINGS:
            raise ReviewError("ratings", _l("unknown rating"))
        problem = COMMENT.problem(comment or "")
        if problem is not None:
            raise ReviewError("ratings", problem.translated())
    if all(rating == "na" for rating, _ in ratings.values()):
        raise ReviewError("ratings", _l("rate at least one item"))
    rated = {item_id: rating for item_id, (rating, _) in ratings.items()}
    return scorecards.judge(items, rated, card.definition["pass_mark"])


def _new_review(conversation: Conversation, card: Scorecard, reviewer: User, ratings: Ratings,
                supersedes: Review | None = None) -> Review:  # fmt: skip
    outcome = _judged(card, ratings)
    review = Review(
        conversation_id=conversation.id, scorecard_id=card.id, reviewer_id=reviewer.id,
        score=outcome.score, failed=outcome.failed, created_at=clock.now(),
        supersedes_id=supersedes.id if supersedes else None,
    )  # fmt: skip
    review.items = [
        ReviewItem(item_id=item_id, rating=rating, comment=(comment or "").strip())
        for item_id, (rating, comment) in ratings.items()
    ]
    db.session.add(review)
    db.session.flush()
    return review


def record_review(reviewer: User, conversation: Conversation, ratings: Ratings) -> Review:
    """A manager's review of a conversation of one of their agents, on the channel's scorecard,
    with a comment per item. A conversation is reviewed once; disputes may change it."""
    if not manages(reviewer, conversation.agent_id):
        raise ReviewError("ratings", _l("you can review only the conversations of your teams"))
    if reviews_of(conversation.id):
        raise ReviewError("ratings", _l("this conversation has already been reviewed"))
    review = _new_review(conversation, review_scorecard(conversation), reviewer, ratings)
    audit.record("conversation_reviewed", "conversation_review", review.id, actor=reviewer,
                 after=snapshot(review))  # fmt: skip
    if review.failed:
        _tell(conversation.agent, "conversation_review_failed", conversation)
    else:
        _tell(conversation.agent, "conversation_reviewed", conversation,
              score="—" if review.score is None else f"{review.score:g}")  # fmt: skip
    standards.recompute_statuses([conversation.agent_id])
    return review


def snapshot(review: Review) -> dict:
    return {
        "conversation": review.conversation.external_id,
        "score": review.score,
        "failed": review.failed,
        "ratings": {item.item_id: item.rating for item in review.items},
    }


def _tell(user: User, kind: str, conversation: Conversation, **params) -> None:
    link = standards.path_for("conversations.detail", conversation_id=conversation.id)
    notifications.notify(user.id, kind, {"reference": conversation.external_id, **params},
                         link=link)  # fmt: skip


# --- disputes ---------------------------------------------------------------------------------


@dataclass
class Resolution:
    outcome: str  # upheld | changed
    note: str
    ratings: Ratings | None = None  # the changed review's ratings


def can_dispute(agent: User, conversation: Conversation, reviews: list[Review],
                disputes: dict[int, Dispute]) -> bool:  # fmt: skip
    """The agent may dispute the review in force of their own conversation once; a review made
    by resolving a dispute is final."""
    if agent.id != conversation.agent_id or not reviews:
        return False
    current = reviews[-1]
    return current.supersedes_id is None and current.id not in disputes


def open_dispute(agent: User, conversation: Conversation, reason: str) -> Dispute:
    """The agent disagrees with the review in force, with a reason; the manager is told."""
    reviews = reviews_of(conversation.id)
    if not can_dispute(agent, conversation, reviews, disputes_of([r.id for r in reviews])):
        raise ReviewError("reason", _l("this review cannot be disputed"))
    reason = (reason or "").strip()
    problem = COMMENT.problem(reason)
    if not reason or problem is not None:
        raise ReviewError("reason", problem.translated() if problem else _l("say why"))
    dispute = Dispute(review_id=reviews[-1].id, agent_id=agent.id, reason=reason,
                      opened_at=clock.now())  # fmt: skip
    db.session.add(dispute)
    db.session.flush()
    audit.record("review_disputed", "conversation_review", dispute.review_id, actor=agent,
                 reason=reason)  # fmt: skip
    manager = agent.team.manager if agent.team else None
    if manager is not None:
        _tell(manager, "review_disputed", conversation, agent=agent.name(manager.locale))
    return dispute


def dispute_for_manager(manager: User, dispute_id: int) -> Dispute | None:
    """The dispute if the manager leads its agent's team, else None."""
    dispute = db.session.scalar(
        select(Dispute)
        .options(
            joinedload(Dispute.review).joinedload(Review.conversation), joinedload(Dispute.agent)
        )  # fmt: skip
        .where(Dispute.id == dispute_id)
    )
    if dispute is None or not manages(manager, dispute.agent_id):
        return None
    return dispute


def open_disputes(manager: User) -> list[Dispute]:
    """Unresolved disputes of the manager's agents, oldest first."""
    teams = select(Team.id).where(Team.manager_id == manager.id)
    query = (
        select(Dispute)
        .join(User, User.id == Dispute.agent_id)
        .options(
            joinedload(Dispute.review).joinedload(Review.conversation), joinedload(Dispute.agent)
        )  # fmt: skip
        .where(User.team_id.in_(teams), Dispute.resolved_at.is_(None))
        .order_by(Dispute.opened_at, Dispute.id)
    )
    return list(db.session.scalars(query))


def resolve_dispute(manager: User, dispute: Dispute, resolution: Resolution) -> Dispute:
    """The agent's manager upholds the review or changes it (a new review that supersedes it)."""
    if dispute.resolved_at is not None:
        raise ReviewError("outcome", _l("this dispute is already resolved"))
    if not manages(manager, dispute.agent_id):
        raise ReviewError("outcome", _l("only the agent's manager resolves this dispute"))
    if resolution.outcome not in OUTCOMES:
        raise ReviewError("outcome", _l("choose upheld or changed"))
    note = (resolution.note or "").strip()
    problem = COMMENT.problem(note)
    if not note or problem is not None:
        raise ReviewError("note", problem.translated() if problem else _l("say why"))
    review = dispute.review
    before = snapshot(review)
    after = before
    if resolution.outcome == "changed":
        conversation = review.conversation
        new = _new_review(conversation, review.scorecard, manager, resolution.ratings or {},
                          supersedes=review)  # fmt: skip
        dispute.new_review_id, after = new.id, snapshot(new)
    dispute.resolver_id, dispute.resolved_at = manager.id, clock.now()
    dispute.outcome, dispute.resolution = resolution.outcome, note
    audit.record("dispute_resolved", "conversation_review", review.id, actor=manager,
                 before=before, after={**after, "outcome": resolution.outcome}, reason=note)  # fmt: skip
    _tell(dispute.agent, f"dispute_{resolution.outcome}", review.conversation)
    standards.recompute_statuses([dispute.agent_id])
    return dispute


def item_titles(card: Scorecard, locale: str) -> dict[str, str]:
    return {item["id"]: localized(item["title"], locale) for item in card.definition["items"]}
