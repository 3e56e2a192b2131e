from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from app.content import services
from app.database import writing
from app.extensions import db
from app.quizzes import examples
from app.quizzes.cli import quizzes_cli
from app.scoring import language

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


@quizzes_cli.command("check")
def check_quizzes_command():
    """Validate every quiz file and score every `examples:` answer; print each problem and each
    mismatch as path:line: field: message, then precision and recall per criterion."""
    catalogue, problems = services.check_content(Path(current_app.config["CONTENT_DIR"]))
    problems = [str(p) for p in problems if p.path.startswith("quizzes")]
    problems += language.check_packs()
    for problem in problems:
        click.echo(problem)
    report = examples.check_examples(catalogue.quizzes, catalogue.rubrics)
    for mismatch in report.mismatches:
        click.echo(str(mismatch))
    if report.count:
        click.echo(_format_table(report))
    if problems or report.mismatches:
        raise click.ClickException(
            f"{len(problems)} problem(s), {len(report.mismatches)} example mismatch(es)"
        )
    click.echo(f"quizzes ok: {len(catalogue.quizzes)} quiz file(s), {report.count} example(s)")


def _format_table(report: examples.ExamplesReport) -> str:
    """Criteria no example mentions or triggers show "-" and stay out of the macro F1."""
    table = report.table()
    lines = [f"{'criterion':18} {'P':>5} {'R':>5} {'F1':>5}  {'tp':>3} {'fp':>3} {'fn':>3}"]
    used = []
    for cid, s in table.per_criterion.items():
        if not s.tp + s.fp + s.fn:
            lines.append(f"{cid:18} {'-':>5} {'-':>5} {'-':>5}  {0:3d} {0:3d} {0:3d}")
            continue
        used.append(s.f1)
        lines.append(
            f"{cid:18} {s.precision:5.2f} {s.recall:5.2f} {s.f1:5.2f}  "
            f"{s.tp:3d} {s.fp:3d} {s.fn:3d}"
        )
    macro = sum(used) / len(used) if used else 0.0
    lines.append(f"{report.count} example(s), macro F1 = {macro:.3f}")
    return "\n".join(lines)
