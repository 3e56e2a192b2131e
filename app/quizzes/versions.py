"""A quiz version's stored definition, turned back into validated questions for grading."""

from __future__ import annotations

from dataclasses import dataclass, field

from app.quizzes.models import QuizVersion
from app.quizzes.question_types import GradingContext, QuestionBase, QuestionType, get_type


@dataclass(frozen=True)
class VersionView:
    """The questions, rubrics, pass mark and attempts policy of one quiz version."""

    header: dict
    questions: tuple[tuple[QuestionType, QuestionBase], ...]
    rubrics: dict
    # Compiled and bound rubrics, shared by every grading context of the version
    bound: dict = field(default_factory=dict, compare=False, repr=False)
    compiled: dict = field(default_factory=dict, compare=False, repr=False)

    @property
    def pass_mark(self) -> int:
        return int(self.header["pass_mark"])

    @property
    def max_attempts(self) -> int:
        return int((self.header.get("attempts") or {}).get("max", 0))

    @property
    def wait_minutes(self) -> int:
        return int((self.header.get("attempts") or {}).get("wait_minutes", 0))

    @property
    def shuffle(self) -> bool:
        return bool(self.header.get("shuffle"))

    def question(self, question_id: str) -> tuple[QuestionType, QuestionBase] | None:
        return next((pair for pair in self.questions if pair[1].id == question_id), None)

    def context(self, locale: str) -> GradingContext:
        return GradingContext(rubrics=self.rubrics, pass_mark=self.pass_mark, locale=locale,
                              bound=self.bound, compiled=self.compiled)  # fmt: skip

    def prepare(self) -> None:
        """Compile and bind the rubrics of every question (see QuestionType.prepare)."""
        context = self.context("en")
        for qtype, question in self.questions:
            qtype.prepare(question, context)


_CACHE: dict[str, VersionView] = {}
_CACHE_SIZE = 256


def view_version(version: QuizVersion) -> VersionView:
    """Versions never change once stored, so the parsed form is cached by content digest."""
    view = _CACHE.get(version.digest)
    if view is None:
        if len(_CACHE) >= _CACHE_SIZE:
            _CACHE.clear()
        view = _CACHE[version.digest] = _parse(version.definition)
    return view


def _parse(definition: dict) -> VersionView:
    questions = []
    for raw in definition["questions"]:
        qtype = get_type(raw["type"])
        questions.append((qtype, qtype.schema.model_validate(raw)))
    return VersionView(definition["quiz"], tuple(questions), definition.get("rubrics") or {})
