"""What conversations do when other capabilities' events happen; connected at app start."""

from app import events
from app.conversations import services
from app.conversations.evidence import conversation_evidence


@events.content_synced.connect
def sync_scorecards(catalogue, *, report, **_) -> None:
    """standards/scorecards.yaml is loaded in the content sync's transaction."""
    services.sync_scorecards(catalogue, report)


@events.evidence_wanted.connect
def conversation_evidence_of(_sender, *, user_ids, rules, first, last, **_):
    """Reviewed conversations are evidence on the standards their scorecards name."""
    return conversation_evidence(user_ids, rules, first, last)
