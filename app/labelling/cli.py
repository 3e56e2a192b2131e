"""`flask quizzes export-labels`: the command sits in the quizzes group, where `evaluate` reads
what it writes, and is added to that group when the app starts (quizzes does not import this
package)."""

from __future__ import annotations

from datetime import UTC, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import click
from flask import current_app

from app.labelling import sources
from app.labelling.export import ExportError, Reply, write_corpus
from app.scoring import Rubric, evaluation
from app.scoring.evaluation import LabelledReply


@click.command("export-labels")
@click.argument("out_dir", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--since",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Only judgements made on or after this day (the installation's time zone).",
)
@click.option("--language", type=click.Choice(["ar", "en"]), help="Only replies in this language.")
def export_labels_command(out_dir: Path, since: datetime | None, language: str | None):
    """Write the human judgements of replies (managers' overrides, conversation reviews) as a
    labelled corpus folder that `flask quizzes evaluate OUT_DIR` reads. OUT_DIR must not exist
    or be empty; nothing is written when anything fails."""
    judgements = sources.collect(since=_start_of(since), language=language)
    try:
        report = write_corpus(out_dir, judgements, _scorer_labels)
    except ExportError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(
        f"{out_dir}: {report.replies} reply(ies) in {report.scenarios} scenario(s), "
        f"{report.judgements} criteria decided by a person"
    )
    if report.left_out:
        click.echo(f"left out: {report.left_out} reply(ies) without a customer message or text")


def _start_of(day: datetime | None) -> datetime | None:
    if day is None:
        return None
    zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    return datetime.combine(day.date(), time(), zone).astimezone(UTC)


def _scorer_labels(replies: list[Reply]) -> list[frozenset[str]]:
    """What the scorer decides on replies whose automatic decisions were not kept."""
    rubric = Rubric.load(
        Path(current_app.config["CONTENT_DIR"]) / "quizzes" / "rubrics" / "complaint-handling.yaml"
    )
    labelled = [
        LabelledReply(str(n), f"{r.language}:{r.customer}:{r.key_points}", r.language,
                      r.customer, [list(g) for g in r.key_points], r.text, frozenset())
        for n, r in enumerate(replies)
    ]  # fmt: skip
    found = evaluation.predict(rubric, labelled)
    return [found[str(n)] for n in range(len(replies))]


def init_app(app) -> None:
    """Resolve the judgement sources (an unknown one stops the app here) and add the command to
    the quizzes group."""
    from app.quizzes.cli import quizzes_cli

    sources.load_sources()
    quizzes_cli.add_command(export_labels_command)
