import click
from flask.cli import AppGroup

from app.xapi import sender

xapi_cli = AppGroup("xapi", help="The xAPI outbox for the Learning Record Store.")


@xapi_cli.command("send")
@click.option("--limit", default=500, show_default=True, help="Most statements sent in one run.")
def send_command(limit: int):
    """Send pending xAPI statements to the LRS once each (run it from cron every few minutes).
    A statement the LRS could not take is tried again later, waiting longer each time."""
    try:
        report = sender.send_pending(limit)
    except sender.XapiNotConfigured as exc:
        click.echo(f"xAPI is not configured ({exc}): nothing sent")
        return
    click.echo(f"sent={report.sent} retrying={report.retrying} failed={report.failed} "
               f"resent={report.resent}")  # fmt: skip
    if report.stopped:
        click.echo(f"stopped: {report.stopped}; the rest waits for the next run", err=True)


@xapi_cli.command("status")
def status_command():
    """How many statements are pending, being sent, sent and failed."""
    click.echo(" ".join(f"{status}={count}" for status, count in sender.counts().items()))


@xapi_cli.command("retry-failed")
def retry_failed_command():
    """Queue the failed statements again (after the LRS or its settings are fixed)."""
    click.echo(f"queued again: {sender.retry_failed()}")
