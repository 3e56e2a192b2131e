"""The registry of question types: how each is defined in YAML and how an answer is graded.

Pure Python (no Flask): the content checker, the attempt service and the CLI share it.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal

from pydantic import Field, model_validator

from app.schema_types import BilingualText, Slug, TextModel


@dataclass(frozen=True)
class GradingContext:
    """What grading needs beyond the question: the quiz version's rubrics (id -> mapping), the
    quiz's pass mark and the language feedback is written in."""

    rubrics: dict[str, dict] = field(default_factory=dict)
    pass_mark: int = 70
    locale: str = "en"


@dataclass
class Grade:
    """The automatic result of one answer."""

    points: float
    max_points: float
    correct: bool
    detail: dict[str, Any] = field(default_factory=dict)


class QuestionBase(TextModel):
    id: Slug
    type: str
    prompt: BilingualText | None = None
    explanation: BilingualText | None = None
    points: float = Field(default=1, gt=0, le=100)


class Choice(TextModel):
    id: Slug
    text: BilingualText
    correct: bool = False


class SingleChoice(QuestionBase):
    type: Literal["single_choice"]
    prompt: BilingualText
    choices: list[Choice] = Field(min_length=2, max_length=10)

    @model_validator(mode="after")
    def _one_correct(self):
        if sum(c.correct for c in self.choices) != 1:
            raise ValueError("exactly one choice must have correct: true")
        _unique_ids(self.choices)
        return self


class MultipleChoice(QuestionBase):
    type: Literal["multiple_choice"]
    prompt: BilingualText
    choices: list[Choice] = Field(min_length=2, max_length=10)

    @model_validator(mode="after")
    def _some_correct(self):
        if not any(c.correct for c in self.choices):
            raise ValueError("at least one choice must have correct: true")
        _unique_ids(self.choices)
        return self


class TrueFalse(QuestionBase):
    type: Literal["true_false"]
    prompt: BilingualText
    answer: bool


class OrderingItem(TextModel):
    id: Slug
    text: BilingualText


class Ordering(QuestionBase):
    type: Literal["ordering"]
    prompt: BilingualText
    items: list[OrderingItem] = Field(min_length=2, max_length=12)

    @model_validator(mode="after")
    def _unique(self):
        _unique_ids(self.items)
        return self


def _unique_ids(items) -> None:
    ids = [item.id for item in items]
    if len(set(ids)) != len(ids):
        raise ValueError("ids must be unique within the question")


class QuestionType(ABC):
    """One kind of question: its schema and its grading rule."""

    name: ClassVar[str]
    schema: ClassVar[type[QuestionBase]]
    is_roleplay: ClassVar[bool] = False

    @abstractmethod
    def grade(
        self, question: QuestionBase, answer: Any, context: GradingContext | None = None
    ) -> Grade:
        """The automatic grade of an answer in the type's own answer shape."""

    def problems(self, question: QuestionBase, rubrics: dict) -> list[tuple[tuple, str]]:
        """Checks that need more than the schema (e.g. the rubric a question names)."""
        return []


class SingleChoiceType(QuestionType):
    name, schema = "single_choice", SingleChoice

    def grade(self, question: SingleChoice, answer: Any, context=None) -> Grade:
        right = next(c.id for c in question.choices if c.correct)
        ok = answer == right
        return Grade(question.points if ok else 0, question.points, ok, {"chosen": answer})


class MultipleChoiceType(QuestionType):
    name, schema = "multiple_choice", MultipleChoice

    def grade(self, question: MultipleChoice, answer: Any, context=None) -> Grade:
        chosen = sorted(set(answer or []))
        right = sorted(c.id for c in question.choices if c.correct)
        ok = chosen == right
        return Grade(question.points if ok else 0, question.points, ok, {"chosen": chosen})


class TrueFalseType(QuestionType):
    name, schema = "true_false", TrueFalse

    def grade(self, question: TrueFalse, answer: Any, context=None) -> Grade:
        ok = answer is question.answer
        return Grade(question.points if ok else 0, question.points, ok, {"chosen": answer})


class OrderingType(QuestionType):
    name, schema = "ordering", Ordering

    def grade(self, question: Ordering, answer: Any, context=None) -> Grade:
        order = list(answer or [])
        ok = order == [item.id for item in question.items]
        return Grade(question.points if ok else 0, question.points, ok, {"order": order})


REGISTRY: dict[str, QuestionType] = {}


def register(question_type: type[QuestionType]) -> type[QuestionType]:
    """Add a type to the registry; a second type with the same name is a start-up error."""
    if question_type.name in REGISTRY:
        raise RuntimeError(f"question type {question_type.name!r} registered twice")
    REGISTRY[question_type.name] = question_type()
    return question_type


def get_type(name: str) -> QuestionType:
    try:
        return REGISTRY[name]
    except KeyError:
        known = ", ".join(sorted(REGISTRY))
        raise KeyError(f"unknown question type {name!r} (known: {known})") from None


for _type in (SingleChoiceType, MultipleChoiceType, TrueFalseType, OrderingType):
    register(_type)

# The role-play types register themselves; imported last because they build on this module.
from app.quizzes import dialogue_type, roleplay_types  # noqa: E402, F401
