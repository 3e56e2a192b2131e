"""What the auth capability does when other capabilities' events happen; connected at app
start."""

from app import events
from app.auth import services


@events.invitation_requested.connect
def send_invitation(user, *, actor=None, **_) -> None:
    services.send_invitation(user, actor=actor)
