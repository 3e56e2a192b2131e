"""What conversations do when other capabilities' events happen, and the names of
conversations, reviews and calibrations that other records keep by id; connected at app start."""

from flask_babel import gettext as _
from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from app import events, references
from app.conversations import services
from app.conversations.evidence import conversation_evidence
from app.conversations.models import CalibrationSession, Conversation, Review
from app.extensions import db


@events.content_synced.connect
def sync_scorecards(catalogue, *, report, **_) -> None:
    """standards/scorecards.yaml is loaded in the content sync's transaction."""
    services.sync_scorecards(catalogue, report)


@events.evidence_wanted.connect
def conversation_evidence_of(_sender, *, user_ids, rules, first, last, **_):
    """Reviewed conversations are evidence on the standards their scorecards name."""
    return conversation_evidence(user_ids, rules, first, last)


def _conversation_name(conversation, lang: str) -> str:
    return _("%(conversation)s of %(person)s", conversation=conversation.external_id,
             person=conversation.agent.name(lang))  # fmt: skip


def conversation_names(refs: set[str], lang: str) -> dict[str, str]:
    """Entries name a conversation by its reference in the help desk (earlier ones by its id)."""
    query = (
        select(Conversation)
        .options(joinedload(Conversation.agent))
        .where(
            or_(Conversation.external_id.in_(refs), Conversation.id.in_(references.int_ids(refs)))
        )  # fmt: skip
    )
    found = list(db.session.scalars(query))
    names = {str(c.id): _conversation_name(c, lang) for c in found if str(c.id) in refs}
    names.update({c.external_id: _conversation_name(c, lang) for c in found})
    return names


def review_names(ids: set[str], lang: str) -> dict[str, str]:
    query = (
        select(Review)
        .options(joinedload(Review.conversation).joinedload(Conversation.agent))
        .where(Review.id.in_(references.int_ids(ids)))
    )
    return {str(r.id): _conversation_name(r.conversation, lang) for r in db.session.scalars(query)}


def calibration_names(ids: set[str], _lang: str) -> dict[str, str]:
    query = select(CalibrationSession).where(CalibrationSession.id.in_(references.int_ids(ids)))
    return {str(session.id): session.title for session in db.session.scalars(query)}


references.register("conversation", conversation_names, keys=("conversation",))
references.register("conversation_review", review_names, objects=("conversation_review",))
references.register("calibration", calibration_names, objects=("calibration",))
