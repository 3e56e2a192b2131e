from pathlib import Path

import click
from flask.cli import AppGroup

from app.conversations import services
from app.database import writing
from app.extensions import db

conversations_cli = AppGroup("conversations", help="Real conversations for quality review.")


@conversations_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_command(file: Path):
    """Import conversations from FILE (.csv or .json); nothing is written if any part is bad.
    A conversation already imported is kept once; one imported with other content is reported."""
    with writing():
        report = services.import_file(file.read_bytes(), file.name, actor=None)
        if not report.ok:
            db.session.rollback()
            for problem in report.problems:
                click.echo(f"{file}: {problem}", err=True)
            raise click.ClickException(f"nothing imported: {len(report.problems)} problem(s)")
        db.session.commit()
    for external_id in report.changed:
        click.echo(f"{file}: {external_id}: already imported with other content; kept as it was",
                   err=True)  # fmt: skip
    click.echo(f"{len(report.added)} added, {len(report.unchanged)} already imported, "
               f"{len(report.changed)} changed and not imported")  # fmt: skip
