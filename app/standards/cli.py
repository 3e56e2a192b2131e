import sys
from pathlib import Path

import click
from flask.cli import AppGroup

from app.database import writing
from app.extensions import db
from app.standards import kpis, services

standards_cli = AppGroup("standards", help="Service standards: KPI imports and compliance.")


@standards_cli.command("import-kpis")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_kpis_command(path: Path):
    """Import KPI figures from a CSV file (employee_no, metric, period_start, period_end, value).

    Nothing is imported when any row has a problem; every problem is listed with its row and
    column."""
    with writing():
        report = kpis.import_kpis(path.read_bytes(), actor=None)
        if not report.ok:
            db.session.rollback()
            for error in report.errors:
                click.echo(f"{path.name}: {error}", err=True)
            click.echo(f"nothing imported: {len(report.errors)} problem(s)", err=True)
            sys.exit(1)
        db.session.commit()
    click.echo(f"imported {len(report.rows)} row(s): {report.added} added, "
               f"{report.replaced} replaced")  # fmt: skip


@standards_cli.command("recompute")
def recompute_command():
    """Recompute every active agent's compliance statuses now (the daily job does it too)."""
    with writing():
        counts = services.recompute_statuses()
        db.session.commit()
    click.echo(", ".join(f"{k}={v}" for k, v in sorted(counts.items())) or "no standards yet")
