import click
from flask.cli import AppGroup

from app.database import writing
from app.demo import services
from app.extensions import db

demo_cli = AppGroup("demo", help="Demo data for trying Khidma out.")


@demo_cli.command("load")
@click.option("--if-empty", is_flag=True, help="Do nothing (and succeed) when anyone exists.")
def load_command(if_empty: bool):
    """Load the demo company into an empty database (refused when real users exist)."""
    if if_empty and services.demo_state() != "empty":
        click.echo("the database already has people: demo data not loaded")
        return
    with writing():
        try:
            created = services.load_demo()
        except services.DemoRefused as exc:
            db.session.rollback()
            raise click.ClickException(str(exc)) from None
        db.session.commit()
    click.echo(f"demo data loaded: {created} people" if created else "demo data already loaded")
