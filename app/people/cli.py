from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from app.database import writing
from app.extensions import db
from app.people import services

people_cli = AppGroup("people", help="People administration.")


@people_cli.command("import")
@click.argument("csv_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--invite", is_flag=True, help="E-mail each new person an invitation.")
def import_command(csv_file: Path, invite: bool):
    """Upsert people from CSV_FILE by employee number; nothing is written if any row is bad."""
    with writing():
        try:
            report = services.import_people(
                csv_file.read_bytes(),
                actor=None,
                default_locale=current_app.config["BABEL_DEFAULT_LOCALE"],
                invite=invite,
            )
        except services.PeopleError as exc:
            db.session.rollback()
            raise click.ClickException(str(exc.message)) from None
        if not report.ok:
            db.session.rollback()
            for error in report.errors:
                click.echo(f"{csv_file}: {error}", err=True)
            raise click.ClickException(f"nothing imported: {len(report.errors)} problem(s)")
        db.session.commit()
    click.echo(
        f"{report.rows} rows: {len(report.created)} added, {len(report.updated)} updated, "
        f"{report.unchanged} unchanged, {len(report.invited)} invited"
    )
