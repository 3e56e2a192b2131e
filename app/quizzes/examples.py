"""Running the authors' `examples:` answers through the scorer, and scoring any role-play
question of a quiz file: the work behind `flask quizzes check` and `flask quizzes score`.
Pure Python (no Flask)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from app.quizzes.files import LoadedQuiz
from app.quizzes.roleplay_types import Example
from app.scoring import Rubric, ScoreResult, reply_language, score_reply
from app.scoring.evaluation import SliceReport, score_slice


@dataclass(frozen=True)
class Mismatch:
    path: str
    line: int
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.where}: {self.message}"


@dataclass
class ExamplesReport:
    count: int = 0
    mismatches: list[Mismatch] = field(default_factory=list)
    labels: dict[str, frozenset[str]] = field(default_factory=dict)
    predictions: dict[str, frozenset[str]] = field(default_factory=dict)
    criterion_ids: list[str] = field(default_factory=list)

    def table(self) -> SliceReport:
        """Precision, recall and F1 per criterion over every example."""
        return score_slice("examples", self.predictions, self.labels, self.criterion_ids)


@dataclass(frozen=True)
class ScoredSpot:
    """One place that holds examples: a role-play question or a dialogue turn. A reply is
    scored in the language it is written in, with the rubric bound for that language."""

    loc: tuple  # location in the file, e.g. ("questions", 3) or ("questions", 3, "turns", 1)
    bind: Callable[[str], Rubric]  # the rubric bound for a reply in a language
    languages: tuple[str, ...]  # the languages the customer's message is written in
    pass_mark: int
    examples: list[Example]

    @property
    def rubric(self) -> Rubric:
        return self.bind(self.languages[0])

    def score(self, text: str) -> ScoreResult:
        language = reply_language(text, self.languages[0])
        return score_reply(text, self.bind(language), language, self.pass_mark)


def _question_index(loaded: LoadedQuiz, question_id: str) -> int:
    raw = loaded.source.data.get("questions") or []
    return next(i for i, q in enumerate(raw) if isinstance(q, dict) and q.get("id") == question_id)


def scored_spots(loaded: LoadedQuiz, rubrics: dict) -> Iterator[tuple[str, ScoredSpot]]:
    """Every role-play question and dialogue turn of a loaded quiz, keyed `question[/turn]`."""
    from app.quizzes.question_types import get_type

    for question in loaded.questions:
        qtype = get_type(question.type)
        for key, where, bind, languages, examples in qtype.example_spots(question, rubrics):
            loc = ("questions", _question_index(loaded, question.id), *where)
            pass_mark = question.pass_mark
            pass_mark = pass_mark if pass_mark is not None else loaded.quiz.pass_mark
            yield key, ScoredSpot(loc, bind, languages, pass_mark, examples)


def check_examples(quizzes: dict[str, LoadedQuiz], rubrics: dict) -> ExamplesReport:
    """Score every example of every quiz (id -> loaded quiz); each difference from its labels
    is a Mismatch."""
    report = ExamplesReport()
    ids: set[str] = set()
    for quiz_id, loaded in sorted(quizzes.items()):
        for key, spot in scored_spots(loaded, rubrics):
            ids.update(c.id for c in spot.rubric.criteria)
            for n, example in enumerate(spot.examples):
                _check_one(report, loaded, f"{quiz_id}/{key}/{n}", spot, n, example)
    report.criterion_ids = sorted(ids)
    return report


def _check_one(report, loaded, key, spot: ScoredSpot, n: int, example: Example) -> None:
    result = spot.score(example.text)
    found = frozenset(o.id for o in result.outcomes() if o.present)
    expected = frozenset(example.criteria) | frozenset(example.violations)
    report.count += 1
    report.labels[key], report.predictions[key] = expected, found
    loc = (*spot.loc, "examples", n)
    line = loaded.source.line_of(loc)
    from app.yaml_source import format_loc

    for outcome in result.outcomes():
        if (outcome.id in expected) == outcome.present:
            continue
        said = outcome.status
        wanted = _expected_status(outcome.kind, outcome.id in expected)
        matched = f" (matched: {', '.join(outcome.matched)})" if outcome.matched else ""
        message = f"{outcome.id}: expected {wanted}, the scorer says {said}{matched}"
        report.mismatches.append(Mismatch(loaded.source.path, line, format_loc(loc), message))


def _expected_status(kind: str, present: bool) -> str:
    if kind == "required":
        return "met" if present else "missed"
    return "committed" if present else "avoided"


def question_scorer(
    loaded: LoadedQuiz, question_id: str, rubrics: dict
) -> Callable[[str], ScoreResult] | None:
    """Scoring function for one role-play question (or `dialogue/turn`), or None."""
    spots = dict(scored_spots(loaded, rubrics))
    spot = spots.get(question_id)
    if spot is None:
        return None
    return spot.score


def contract_json(result: ScoreResult) -> dict:
    """Exactly the command-line contract: score, passed, criteria, violations, feedback."""
    data = result.to_json(result.language)
    return {key: data[key] for key in ("score", "passed", "criteria", "violations", "feedback")}
