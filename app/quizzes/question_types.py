"""The registry of question types. A type owns everything about its questions: how one is
written in YAML (its schema and checks), read from the quiz form, shown on the quiz page,
graded, shown on the result page and regraded by a reviewer. Callers go through the type and
never ask which type a question is.

Schemas and grading are pure Python (no Flask): the content checker, the attempt service and
the CLI share them. A type that keeps state while a quiz is open (the dialogue's replies so
far) reaches the database only in `read`, `show` and `close`, which run inside the app.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal

from pydantic import Field, field_validator, model_validator

from app.quizzes import answers
from app.quizzes.rubrics import compile_rubric
from app.schema_types import BilingualText, Slug, TextModel


@dataclass(frozen=True)
class GradingContext:
    """What grading needs beyond the question: the quiz version's rubrics (id -> mapping), the
    quiz's pass mark and the language feedback is written in."""

    rubrics: dict[str, dict] = field(default_factory=dict)
    pass_mark: int = 70
    locale: str = "en"
    # The version's rubrics compiled (id -> Rubric) and bound to its questions, shared by
    # every context of the version so that each is compiled once per process, not per answer.
    bound: dict = field(default_factory=dict)
    compiled: dict = field(default_factory=dict)

    def compiled_rubric(self, rubric_id: str):
        """The version's rubric `rubric_id`, compiled on first use (KeyError when unknown)."""
        rubric = self.compiled.get(rubric_id)
        if rubric is None:
            rubric = self.compiled[rubric_id] = compile_rubric(self.rubrics[rubric_id])
        return rubric

    def bound_rubric(self, key, bind):
        """The rubric bound under `key` (a question, or a dialogue turn), made by `bind()` on
        first use."""
        rubric = self.bound.get(key)
        if rubric is None:
            rubric = self.bound[key] = bind()
        return rubric


@dataclass(frozen=True)
class Sitting:
    """One person's quiz form: whose it is, the quiz version it shows, how its answers are
    graded, and the seed and setting its options are shuffled with."""

    user: Any
    version_id: int
    context: GradingContext
    seed: str = ""
    shuffle: bool = False


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


# The result page says whether the statement is true beside the mark; an explanation that
# opens with its own verdict ("False. ...") reads as contradicting a "✓ correct".
_VERDICTS = re.compile(r"^\s*(true|false|correct|wrong|صح|صحيح|خطأ|خاطئ|خاطئة)\b\s*[.:!،,-]", re.I)


class TrueFalse(QuestionBase):
    type: Literal["true_false"]
    prompt: BilingualText
    answer: bool

    @field_validator("explanation")
    @classmethod
    def _no_verdict(cls, value: BilingualText | None):
        for text in (value.ar, value.en) if value else ():
            if _VERDICTS.match(text):
                raise ValueError(
                    "do not open with True or False: the result page already says whether the "
                    "statement is true; explain why"
                )
        return value


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
    """One kind of question, as CTFd's challenge types: its schema, reading an answer from the
    form, showing the question, grading, showing the result and regrading."""

    name: ClassVar[str]
    schema: ClassVar[type[QuestionBase]]
    # Scored against a rubric: its answers carry criteria an agent may query and a manager
    # may review and override.
    is_roleplay: ClassVar[bool] = False
    sends_turns: ClassVar[bool] = False  # replies are sent one turn at a time (a dialogue)
    form_template: ClassVar[str]  # shows the question in the quiz form
    result_template: ClassVar[str] = "quizzes/types/graded_result.html"  # shows one answer

    @abstractmethod
    def grade(
        self, question: QuestionBase, answer: Any, context: GradingContext | None = None
    ) -> Grade:
        """The automatic grade of an answer in the type's own answer shape."""

    def problems(self, question: QuestionBase, rubrics: dict) -> list[tuple[tuple, str]]:
        """Checks that need more than the schema (e.g. the rubric a question names)."""
        return []

    def example_spots(self, question: QuestionBase, rubrics: dict) -> list[tuple]:
        """Where the author's `examples:` answers sit and the rubric they are scored with:
        (key, location below the question, bind, languages, examples) for each place, where
        bind(language) is the rubric bound for a reply in that language and languages are the
        ones the customer's message is written in."""
        return []

    @abstractmethod
    def read(self, question: QuestionBase, form, sitting: Sitting) -> Any:
        """The answer as found in the submitted form, in the shape `grade` takes."""

    def typed_length(self, question: QuestionBase, form) -> int:
        """How many characters were typed for the question (held to the reply limit)."""
        return 0

    def show(self, question: QuestionBase, sitting: Sitting) -> dict:
        """What the quiz page shows beyond the question: options in their order, the
        conversation so far (fields of quizzes.take.QuestionView)."""
        return {}

    def prepare(self, question: QuestionBase, context: GradingContext) -> None:
        """Compile and load what grading the question needs (rubrics bound in every language
        a reply may be written in), so that a process's first answer costs no more than the
        next ones. Called for the quizzes on offer when the app starts."""
        return None

    def close(self, question: QuestionBase, sitting: Sitting) -> None:
        """The attempt is recorded (same transaction): drop what was kept while it was open."""
        return None

    def replies(self, detail: dict) -> list[dict]:
        """The scored replies the result and review pages show, from a stored answer detail."""
        return []

    def criterion_keys(self, detail: dict) -> dict[str, bool]:
        """Each criterion a reviewer may set, with its automatic value."""
        return {}

    def regrade(self, detail: dict, flags: dict[str, bool]) -> tuple[int, bool]:
        """Score (0-100) and critical failure of a stored answer with criteria a reviewer set."""
        raise TypeError(f"answers to {self.name} questions are not reviewed")


class SingleChoiceType(QuestionType):
    name, schema = "single_choice", SingleChoice
    form_template = "quizzes/types/single_choice.html"

    def read(self, question: SingleChoice, form, sitting=None) -> Any:
        return answers.chosen_one(question, form)

    def show(self, question: SingleChoice, sitting: Sitting) -> dict:
        seed = f"{sitting.seed}:{question.id}"
        return {"options": answers.display_order(question.choices, seed, sitting.shuffle)}

    def grade(self, question: SingleChoice, answer: Any, context=None) -> Grade:
        right = next(c.id for c in question.choices if c.correct)
        ok = answer == right
        return Grade(question.points if ok else 0, question.points, ok, {"chosen": answer})


class MultipleChoiceType(QuestionType):
    name, schema = "multiple_choice", MultipleChoice
    form_template = "quizzes/types/multiple_choice.html"

    def read(self, question: MultipleChoice, form, sitting=None) -> Any:
        return answers.chosen_many(question, form)

    def show(self, question: MultipleChoice, sitting: Sitting) -> dict:
        seed = f"{sitting.seed}:{question.id}"
        return {"options": answers.display_order(question.choices, seed, sitting.shuffle)}

    def grade(self, question: MultipleChoice, answer: Any, context=None) -> Grade:
        chosen = sorted(set(answer or []))
        right = sorted(c.id for c in question.choices if c.correct)
        ok = chosen == right
        return Grade(question.points if ok else 0, question.points, ok, {"chosen": chosen})


class TrueFalseType(QuestionType):
    name, schema = "true_false", TrueFalse
    form_template = "quizzes/types/true_false.html"
    result_template = "quizzes/types/true_false_result.html"

    def read(self, question: TrueFalse, form, sitting=None) -> Any:
        return answers.true_or_false(question, form)

    def grade(self, question: TrueFalse, answer: Any, context=None) -> Grade:
        ok = answer is question.answer
        return Grade(question.points if ok else 0, question.points, ok, {"chosen": answer})


class OrderingType(QuestionType):
    name, schema = "ordering", Ordering
    form_template = "quizzes/types/ordering.html"

    def read(self, question: Ordering, form, sitting=None) -> Any:
        return answers.ranked(question, form)

    def show(self, question: Ordering, sitting: Sitting) -> dict:
        seed = f"{sitting.seed}:{question.id}"
        return {"options": answers.ordering_display(question.items, seed)}

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
