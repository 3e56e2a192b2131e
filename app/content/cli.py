import click
from flask import current_app
from flask.cli import AppGroup

from app.content import services
from app.database import writing
from app.extensions import db

content_cli = AppGroup("content", help="Check and load courses/, quizzes/ and standards/.")


@content_cli.command("check")
def check_command():
    """Validate every content file; print each problem as path:line: field: message."""
    _, problems = services.check_content(current_app.config["CONTENT_DIR"])
    for problem in problems:
        click.echo(str(problem))
    if problems:
        raise click.ClickException(f"{len(problems)} problem(s) found")
    click.echo("content ok")


@content_cli.command("sync")
def sync_command():
    """Load all content into the database in one transaction (all or nothing)."""
    try:
        with writing():
            report = services.sync_content(current_app.config["CONTENT_DIR"])
            db.session.commit()
    except services.ContentError as exc:
        db.session.rollback()
        for problem in exc.problems:
            click.echo(str(problem), err=True)
        raise click.ClickException(f"nothing loaded: {len(exc.problems)} problem(s)") from None
    if not report.changed:
        click.echo("no changes")
        return
    details = ", ".join(f"{k}={v}" for k, v in sorted(report.counts.items())) or "metadata only"
    click.echo(f"content synced ({report.digest[:12]}): {details}")
