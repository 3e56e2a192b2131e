"""What the standards capability does when other capabilities' events happen; connected at app
start."""

from app import events
from app.standards import services


@events.attempt_submitted.connect
def roleplay_evidence(attempt, **_) -> None:
    """Role-play criteria are standards evidence: the agent's standing moves now, not tonight."""
    if any(answer.score is not None for answer in attempt.answers):
        services.recompute_statuses([attempt.user_id])


@events.score_overridden.connect
def overridden_evidence(attempt, **_) -> None:
    """An override replaces the automatic criteria as evidence straight away."""
    services.recompute_statuses([attempt.user_id])


@events.content_synced.connect
def new_version_published(_catalogue, *, report, **_) -> None:
    services.ask_for_acknowledgement(report)
