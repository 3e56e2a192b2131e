"""Role-play question types: one customer message and one reply (`roleplay`), or a conversation
whose next customer turn depends on how the previous reply scored (`roleplay_dialogue`).

Pure Python (no Flask). Both name a shared rubric and add their scenario's key points; the
scorer in app.scoring judges each reply.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from app.quizzes import answers
from app.quizzes import rubrics as rubric_tools
from app.quizzes.highlight import highlighted_lines
from app.quizzes.question_types import (
    Grade,
    GradingContext,
    QuestionBase,
    QuestionType,
    register,
)
from app.schema_types import Slug, Strict
from app.scoring import Rubric, RubricError

Language = Literal["ar", "en"]
Reply = Field(min_length=1, max_length=5000)
MAX_TURNS = 12


class Example(Strict):
    """An author's test answer: the criteria met and the violations it should be scored with."""

    text: str = Reply
    criteria: list[str] = []
    violations: list[str] = []
    note: str | None = None


class Roleplay(QuestionBase):
    type: Literal["roleplay"]
    language: Language
    customer: str = Field(min_length=1, max_length=5000)
    rubric: Slug
    key_points: list[list[str]] = []
    criteria: dict[str, Any] = {}
    pass_mark: int | None = Field(default=None, ge=0, le=100)
    examples: list[Example] = []


class Branch(Strict):
    """Conditions (all that are given must hold; none means always) and the turn they lead to."""

    if_missed: list[str] = []
    if_committed: list[str] = []
    if_score_below: int | None = Field(default=None, ge=1, le=100)
    goto: Slug


class Turn(Strict):
    id: Slug
    customer: str = Field(min_length=1, max_length=5000)
    key_points: list[list[str]] = []
    criteria: dict[str, Any] = {}
    examples: list[Example] = []
    branches: list[Branch] = []


class RoleplayDialogue(QuestionBase):
    type: Literal["roleplay_dialogue"]
    language: Language
    rubric: Slug
    pass_mark: int | None = Field(default=None, ge=0, le=100)
    turns: list[Turn] = Field(min_length=1, max_length=MAX_TURNS)


Problems = list[tuple[tuple, str]]


def bind_or_problems(rubric_data, key_points, overrides, customer, problems: Problems, prefix=()):
    """The bound rubric, or None with each RubricError placed at the question's own field."""
    try:
        return rubric_tools.bind(rubric_data, key_points, overrides, customer)
    except RubricError as exc:
        for path, message in exc.errors:
            # for_question names overrides "overrides"; quiz files call the field "criteria"
            where = ("criteria", *path[1:]) if path[:1] == ("overrides",) else path
            problems.append(((*prefix, *where), message))
        return None


def example_problems(examples: list[Example], rubric: Rubric, prefix: tuple) -> Problems:
    required = {c.id for c in rubric.required}
    forbidden = {c.id for c in rubric.forbidden}
    found: Problems = []
    for i, example in enumerate(examples):
        for field, known, kind in (
            ("criteria", required, "required"),
            ("violations", forbidden, "forbidden"),
        ):
            for j, cid in enumerate(getattr(example, field)):
                if cid not in known:
                    message = (
                        f"unknown {kind} criterion {cid!r} (known: {', '.join(sorted(known))})"
                    )
                    found.append(((*prefix, "examples", i, field, j), message))
    return found


def _unknown_rubric(rubric_id: str, rubrics: dict) -> Problems:
    known = ", ".join(sorted(rubrics)) or "none"
    return [(("rubric",), f"unknown rubric {rubric_id!r} (known: {known})")]


def pass_mark_of(question, context: GradingContext) -> int:
    return question.pass_mark if question.pass_mark is not None else context.pass_mark


def grade_reply(text: str, rubric: Rubric, language: str, pass_mark: int, locale: str) -> dict:
    """The stored detail of one scored reply."""
    result = rubric_tools.score_text(text, rubric, language, pass_mark)
    return rubric_tools.result_detail(text, result, locale)


def reply_view(detail: dict, prefix: str = "", turn: int | None = None) -> dict:
    """One scored reply as the result and review pages show it: its highlighted text and its
    outcomes, with the key a reviewer's override uses for each criterion (`turn/criterion` in a
    dialogue), and the turn's number in a dialogue."""
    outcomes = [dict(o, key=prefix + o["id"]) for o in detail["outcomes"]]
    return {
        "detail": detail,
        "turn": turn,
        "lines": highlighted_lines(detail["text"], detail["outcomes"]),
        "required": [o for o in outcomes if o["kind"] == "required"],
        "forbidden": [o for o in outcomes if o["kind"] == "forbidden"],
        "empty": not detail["text"].strip(),
    }


class RubricScored(QuestionType):
    """What the role-play types share: a reply typed in one box, scored criteria to review."""

    is_roleplay = True

    def typed_length(self, question, form) -> int:
        return len(answers.reply(question, form))


class RoleplayType(RubricScored):
    """One customer message, one typed reply, scored against the rubric."""

    name, schema = "roleplay", Roleplay
    form_template = "quizzes/types/roleplay.html"
    result_template = "quizzes/types/roleplay_result.html"

    def read(self, question: Roleplay, form, sitting=None) -> str:
        return answers.reply(question, form)

    def example_spots(self, question: Roleplay, rubrics: dict) -> list[tuple]:
        return [(question.id, (), self.bound_rubric(question, rubrics), question.examples)]

    def replies(self, detail: dict) -> list[dict]:
        return [reply_view(detail)]

    def criterion_keys(self, detail: dict) -> dict[str, bool]:
        return {o["id"]: o["present"] for o in detail["outcomes"]}

    def regrade(self, detail: dict, flags: dict[str, bool]) -> tuple[int, bool]:
        return rubric_tools.rescore(detail["outcomes"], flags)

    def bound_rubric(self, question: Roleplay, rubrics: dict) -> Rubric:
        return rubric_tools.bind(
            rubrics[question.rubric], question.key_points, question.criteria, question.customer
        )

    def problems(self, question: Roleplay, rubrics: dict) -> Problems:
        if question.rubric not in rubrics:
            return _unknown_rubric(question.rubric, rubrics)
        found: Problems = []
        rubric = bind_or_problems(
            rubrics[question.rubric], question.key_points, question.criteria,
            question.customer, found,
        )  # fmt: skip
        if rubric is not None:
            found += example_problems(question.examples, rubric, ())
        return found

    def grade(self, question: Roleplay, answer: Any, context: GradingContext | None = None):
        context = context or GradingContext()
        rubric = self.bound_rubric(question, context.rubrics)
        pass_mark = pass_mark_of(question, context)
        text = answer if isinstance(answer, str) else ""
        detail = grade_reply(text, rubric, question.language, pass_mark, context.locale)
        detail |= {"kind": "roleplay", "pass_mark": pass_mark}
        points = question.points * detail["score"] / 100
        return Grade(points, question.points, detail["passed"], detail)


register(RoleplayType)
