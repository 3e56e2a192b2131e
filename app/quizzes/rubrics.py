"""Rubrics as role-play questions use them: compiled once, bound per question, and the scorer's
result turned into the JSON stored with an answer. Pure Python (no Flask)."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from app.scoring import Rubric, ScoreResult, score_reply, score_rule

LOCALES = ("ar", "en")


# Short replies scored once when a question is prepared (see `warm`), one per language.
WARM_UP_REPLIES = {
    "ar": "نعتذر عن الإزعاج، وشكرًا لصبرك.",
    "en": "Sorry for the trouble, and thank you for your patience.",
}


@lru_cache(maxsize=64)
def _compiled(canonical: str) -> Rubric:
    return Rubric.from_mapping(json.loads(canonical))


def compile_rubric(data: dict) -> Rubric:
    """The compiled rubric for a mapping, cached by content: rubrics with the same content
    share one compiled object. Compiling costs tens of milliseconds and the key costs
    serialising the whole rubric, so graders call this once per quiz version and rubric
    (GradingContext.compiled_rubric), never per answer."""
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)
    return _compiled(canonical)


def bind(rubric: Rubric | dict, key_points, overrides, customer: str) -> Rubric:
    """The rubric (compiled, or a mapping to compile) bound to one question or dialogue turn;
    raises RubricError."""
    compiled = rubric if isinstance(rubric, Rubric) else compile_rubric(rubric)
    return compiled.for_question(
        key_points=[list(group) for group in key_points or []],
        overrides=dict(overrides or {}),
        customer=customer,
    )


def score_text(text: str, rubric: Rubric, language: str, pass_mark: int) -> ScoreResult:
    return score_reply(text or "", rubric, language, pass_mark)


def warm(rubric: Rubric, language: str) -> None:
    """Score one short reply in `language` with a bound rubric, so that what the scorer loads
    on first use (word packs, the learned model, the customer's message analysed) is loaded
    before a real reply waits for it."""
    score_text(WARM_UP_REPLIES[language], rubric, language, 70)


def result_detail(text: str, result: ScoreResult, locale: str) -> dict:
    """Everything the result page and the review queue show about one scored reply: the
    scorer's JSON (feedback in the attempt's language), and per criterion its weight, spans,
    matched words, title and advice in both languages (a manager may read another language)."""
    outcomes = [
        {
            "id": o.id,
            "kind": o.kind,
            "status": o.status,
            "present": o.present,
            "weight": o.weight,
            "critical": o.critical,
            "standard": o.standard,
            "spans": [list(span) for span in o.spans],
            "matched": list(o.matched),
            "title": {lang: o.title(lang) for lang in LOCALES},
            "advice": {lang: o.feedback(lang) for lang in LOCALES},
            "clause": o.clause,
            "decided_by": o.decided_by,
            "rejected": [list(pair) for pair in o.rejected],
        }
        for o in result.outcomes()
    ]
    return {
        "text": text,
        "score": result.score,
        "passed": result.passed,
        "critical_failure": result.critical_failure,
        "confidence": result.confidence,
        "language": result.language,
        "result": result.to_json(locale),
        "outcomes": outcomes,
    }


def rescore(outcomes: list[dict], flags: dict[str, bool]) -> tuple[int, bool]:
    """Score and critical failure of stored outcomes with some criteria set by a reviewer, by
    the scorer's own rule (app.scoring.score_rule)."""
    return score_rule(
        (o["kind"], o["weight"], flags.get(o["id"], o["present"]), o["critical"]) for o in outcomes
    )


def load_rubric_folder(folder: Path) -> dict[str, dict]:
    """Rubric mappings of a quizzes/rubrics folder by id, through the content loader."""
    from app.yaml_source import load_yaml

    rubrics = {}
    for path in sorted(folder.glob("*.yaml")):
        source, _ = load_yaml(path, path.name)
        if source is not None and isinstance(source.data, dict):
            rubrics[str(source.data.get("id", path.stem))] = source.data
    return rubrics
