import json
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from app.quizzes import examples
from app.quizzes.files import load_quiz_source
from app.quizzes.rubrics import load_rubric_folder
from app.scoring import Rubric, evaluation
from app.scoring.corpus import Corpus, CorpusError
from app.yaml_source import load_yaml

quizzes_cli = AppGroup("quizzes", help="Check quiz files and score role-play answers.")
# `flask quizzes check` checks quiz files against the whole content (their courses, rubrics and
# standards), so it is defined with the content commands (app/content/cli.py).


@quizzes_cli.command("evaluate")
@click.argument("corpus", type=click.Path(exists=True, path_type=Path))
@click.option(
    "--labels",
    "label_set",
    default="final",
    show_default=True,
    help="Which label set of a corpus folder to compare with.",
)
@click.option("--fold", help="Only the scenarios of this fold (see the corpus's folds.yaml).")
@click.option(
    "--show",
    "show",
    type=click.Choice(["none", "mismatches"]),
    default="none",
    show_default=True,
    help="Also list every disagreement with its reply.",
)
def evaluate_command(corpus: Path, label_set: str, fold: str | None, show: str):
    """Agreement of the scorer with labelled replies: precision, recall and F1 per criterion
    and language, and macro F1. CORPUS is a corpus folder (scenarios/, labels/, folds.yaml)
    or a single scenarios file (scenarios: [..., responses: [...]])."""
    replies = _labelled_replies(corpus, label_set, fold)
    rubric = Rubric.load(
        Path(current_app.config["CONTENT_DIR"]) / "quizzes" / "rubrics" / "complaint-handling.yaml"
    )
    found = evaluation.predict(rubric, replies)
    click.echo(evaluation.format_precision_recall(evaluation.evaluate(found, replies)))
    if show == "mismatches":
        for reply, cid, kind in evaluation.mismatches(found, replies):
            said = "labelled, not found" if kind == "missed" else "found, not labelled"
            click.echo(f"{reply.key}: {cid}: {said}: {reply.text[:160]!r}")


def _labelled_replies(corpus: Path, label_set: str, fold: str | None):
    if corpus.is_file():
        return evaluation.load_labelled(corpus)
    try:
        loaded = Corpus(corpus, [label_set])
    except CorpusError as exc:
        for problem in exc.problems:
            click.echo(problem, err=True)
        raise click.ClickException(f"{corpus}: {len(exc.problems)} problem(s)") from None
    if fold and fold not in loaded.folds:
        raise click.ClickException(f"{corpus}: no fold {fold!r} in folds.yaml")
    return loaded.replies(label_set, fold)


@quizzes_cli.command("score")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("question_id")
@click.option(
    "--explain",
    is_flag=True,
    help="Add each criterion's reasons: the deciding clause and cue, who decided "
    "(rules or the learned second opinion), and the candidates set aside and why.",
)
def score_command(file: Path, question_id: str, explain: bool):
    """Score answers to one role-play question of FILE (any quiz file, inside quizzes/ or not).

    Reads JSON lines {"text": ...} on standard input and writes one JSON line per answer:
    {"score", "passed", "criteria", "violations", "feedback"}. For a dialogue turn, give
    QUESTION_ID as DIALOGUE_ID/TURN_ID. Rubrics come from the content folder's quizzes/rubrics.
    """
    scorer = _load_scorer(file, question_id)
    for number, line in enumerate(sys.stdin, start=1):
        if not line.strip():
            continue
        text = _read_line(line, number)
        scored = scorer(text)
        result = examples.contract_json(scored)
        if explain:
            result["explanation"] = {o.id: o.explanation() for o in scored.outcomes()}
        click.echo(json.dumps(result, ensure_ascii=False))


def _load_scorer(file: Path, question_id: str):
    rubrics = load_rubric_folder(Path(current_app.config["CONTENT_DIR"]) / "quizzes" / "rubrics")
    source, problems = load_yaml(file, str(file))
    loaded = load_quiz_source(source, rubrics, problems) if source is not None else None
    for problem in problems:
        click.echo(str(problem), err=True)
    if problems or loaded is None:
        raise click.ClickException(f"{file}: not a valid quiz file")
    scorer = examples.question_scorer(loaded, question_id, rubrics)
    if scorer is None:
        raise click.ClickException(
            f"{file}: no role-play question {question_id!r} (a dialogue turn is DIALOGUE/TURN)"
        )
    return scorer


def _read_line(line: str, number: int) -> str:
    try:
        data = json.loads(line)
    except json.JSONDecodeError as exc:
        raise click.ClickException(f"line {number}: not valid JSON ({exc.msg})") from None
    if not isinstance(data, dict) or not isinstance(data.get("text"), str):
        raise click.ClickException(f'line {number}: expected an object like {{"text": "..."}}')
    return data["text"]
