import click
from flask.cli import AppGroup

from app.database import writing
from app.extensions import db
from app.jobs.registry import ordered_steps

jobs_cli = AppGroup("jobs", help="Scheduled work (run daily from cron).")


@jobs_cli.command("run-daily")
def run_daily_command():
    """Reminders, expiries, renewals, standards statuses and remediation. Safe to run again:
    each step does only what is not done yet. Each step commits on its own."""
    for step in ordered_steps():
        with writing():
            try:
                counts = step.run()
                db.session.commit()
            except Exception:
                db.session.rollback()
                raise
        summary = ", ".join(f"{k}={v}" for k, v in sorted(counts.items())) or "nothing to do"
        click.echo(f"{step.name}: {summary}")
