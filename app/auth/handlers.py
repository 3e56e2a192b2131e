"""What the auth capability does when other capabilities' events happen; connected at app
start."""

from app import events
from app.auth import services


@events.invitation_requested.connect
def send_invitation(user, *, actor=None, **_) -> None:
    services.send_invitation(user, actor=actor)


@events.mail_sending.connect
def reset_links(_sender, **_) -> None:
    """Forgot-password requests become e-mails with a link when the mail sender runs."""
    services.prepare_reset_mail()
