import click
from flask.cli import AppGroup

from app.notifications import mail

notify_cli = AppGroup("notify", help="The notification outbox.")


@notify_cli.command("send")
@click.option("--limit", default=500, show_default=True, help="Most messages sent in one run.")
def send_command(limit: int):
    """Email pending notifications once each. Safe to run again, and from cron: a message is
    marked sent the moment the mail server accepts it, and one whose sender stopped half-way
    is sent again with the same Message-ID."""
    try:
        report = mail.send_pending(limit)
    except mail.MailNotConfigured:
        click.echo("mail is not configured (MAIL_SERVER): nothing sent")
        return
    click.echo(f"sent={report.sent} failed={report.failed} resent={report.resent}")
