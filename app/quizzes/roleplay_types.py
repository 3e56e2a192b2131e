"""Role-play question types: one customer message and one reply (`roleplay`), or a conversation
whose next customer turn depends on how the previous reply scored (`roleplay_dialogue`).

Pure Python (no Flask). Both name a shared rubric and add their scenario's key points; the
scorer in app.scoring judges each reply.

A customer message and its key points are given in one language (`language` says which) or per
language (`customer: {ar: ..., en: ...}`, `key_points: {ar: [...], en: [...]}`). The agent is
served the message in their own language when it exists (else in the one there is), and a
reply is scored in the language it is written in, with that language's key points.
"""

from __future__ import annotations

from functools import partial
from typing import Annotated, Any, Literal

from pydantic import Field, model_validator

from app.quizzes import answers
from app.quizzes import rubrics as rubric_tools
from app.quizzes.highlight import highlighted_lines
from app.quizzes.question_types import (
    Grade,
    GradingContext,
    QuestionBase,
    QuestionType,
    Sitting,
    register,
)
from app.schema_types import Slug, Strict, one_or_per_language
from app.scoring import Rubric, RubricError, reply_language

Language = Literal["ar", "en"]
LANGUAGES = ("ar", "en")
Reply = Field(min_length=1, max_length=5000)
MAX_TURNS = 12
Problems = list[tuple[tuple, str]]
Message = Annotated[str, Field(min_length=1, max_length=5000)]
PointList = list[list[str]]


class CustomerByLanguage(Strict):
    """The customer's message in each language it is written in."""

    ar: Message | None = None
    en: Message | None = None

    @model_validator(mode="after")
    def _one_language(self):
        if self.ar is None and self.en is None:
            raise ValueError("give the customer's message in ar, en or both")
        return self


class KeyPointsByLanguage(Strict):
    """The key points in each language: what a reply in that language should restate."""

    ar: PointList | None = None
    en: PointList | None = None


Customer = one_or_per_language(Message, CustomerByLanguage)
KeyPoints = one_or_per_language(PointList, KeyPointsByLanguage)


class Scenario:
    """What the customer says and the points a reply should restate, in one or two languages.
    `language` is the question's own: the language of a single-language message. Mixed into
    the schemas that have `customer` and `key_points` fields."""

    def languages(self, language: str | None) -> tuple[str, ...]:
        """The languages the customer's message is written in."""
        if isinstance(self.customer, str):
            return (language,) if language else ()
        return tuple(lang for lang in LANGUAGES if getattr(self.customer, lang) is not None)

    def served_language(self, locale: str, language: str | None) -> str:
        """The language an agent working in `locale` is served: theirs when the message
        exists in it, else the message's own."""
        languages = self.languages(language) or (locale,)
        return locale if locale in languages else languages[0]

    def customer_in(self, lang: str, language: str | None) -> str:
        """The customer's message in `lang`, or in the language it exists in."""
        if isinstance(self.customer, str):
            return self.customer
        return getattr(self.customer, self.served_language(lang, language))

    def key_points_in(self, lang: str, language: str | None) -> PointList:
        """The key points a reply in `lang` is checked for."""
        points = self.key_points
        if isinstance(points, list):
            return points
        return getattr(points, lang) or getattr(points, self.served_language(lang, language)) or []

    def language_problems(self, language: str | None) -> Problems:
        """A single-language message needs its language; key points per language need the
        customer's message in that language, and each language of the message its points."""
        if isinstance(self.customer, str) and not language:
            message = "needed when customer is a single text (ar or en); or give customer as {ar: ..., en: ...}"  # noqa: E501
            return [(("language",), message)]
        spoken = self.languages(language)
        points = self.key_points
        if isinstance(points, list):
            return []
        given = [lang for lang in LANGUAGES if getattr(points, lang) is not None]
        found: Problems = [
            (("key_points", lang), f"no customer message in {lang}: add customer.{lang} or "
             f"remove these key points")
            for lang in given if lang not in spoken
        ]  # fmt: skip
        found += [
            (("key_points",), f"the key points in {lang} are missing (the customer speaks {lang})")
            for lang in spoken if given and lang not in given
        ]  # fmt: skip
        return found

    def served_and_scored(self, text: str, locale: str, language: str | None) -> tuple[str, str]:
        """(the language the agent was served, the language their reply is scored in)."""
        served = self.served_language(locale, language)
        return served, reply_language(text, served)


class Example(Strict):
    """An author's test answer: the criteria met and the violations it should be scored with."""

    text: str = Reply
    criteria: list[str] = []
    violations: list[str] = []
    note: str | None = None


class Roleplay(Scenario, QuestionBase):
    type: Literal["roleplay"]
    language: Language | None = None
    customer: Customer
    rubric: Slug
    key_points: KeyPoints = []
    criteria: dict[str, Any] = {}
    pass_mark: int | None = Field(default=None, ge=0, le=100)
    examples: list[Example] = []


class Branch(Strict):
    """Conditions (all that are given must hold; none means always) and the turn they lead to."""

    if_missed: list[str] = []
    if_committed: list[str] = []
    if_score_below: int | None = Field(default=None, ge=1, le=100)
    goto: Slug


class Turn(Scenario, Strict):
    id: Slug
    customer: Customer
    key_points: KeyPoints = []
    criteria: dict[str, Any] = {}
    examples: list[Example] = []
    branches: list[Branch] = []


class RoleplayDialogue(QuestionBase):
    type: Literal["roleplay_dialogue"]
    language: Language | None = None
    rubric: Slug
    pass_mark: int | None = Field(default=None, ge=0, le=100)
    turns: list[Turn] = Field(min_length=1, max_length=MAX_TURNS)


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


def bind_scenario(rubric: Rubric | dict, scenario: Scenario, overrides, lang: str, language):
    """The rubric (compiled, or a mapping) bound to a question or turn for a reply in `lang`."""
    return rubric_tools.bind(
        rubric, scenario.key_points_in(lang, language), overrides,
        scenario.customer_in(lang, language),
    )  # fmt: skip


def scenario_problems(rubric_data, scenario: Scenario, overrides, language, prefix=()) -> Problems:
    """The scenario's language problems, then the rubric bound in each language it speaks."""
    found: Problems = [((*prefix, *where), m) for where, m in scenario.language_problems(language)]
    if found:
        return found
    for lang in scenario.languages(language):
        key_points, customer = (
            scenario.key_points_in(lang, language),
            scenario.customer_in(lang, language),
        )
        bind_or_problems(rubric_data, key_points, overrides, customer, found, prefix)
    return found


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
        bind = partial(self.bound_rubric, question, rubrics)
        languages = question.languages(question.language)
        return [(question.id, (), bind, languages, question.examples)]

    def show(self, question: Roleplay, sitting: Sitting) -> dict:
        """The customer's message as this agent is served it, {"text", "language"}."""
        served = question.served_language(sitting.context.locale, question.language)
        return {"customer": {"text": question.customer_in(served, question.language),
                             "language": served}}  # fmt: skip

    def replies(self, detail: dict) -> list[dict]:
        return [reply_view(detail)]

    def criterion_keys(self, detail: dict) -> dict[str, bool]:
        return {o["id"]: o["present"] for o in detail["outcomes"]}

    def regrade(self, detail: dict, flags: dict[str, bool]) -> tuple[int, bool]:
        return rubric_tools.rescore(detail["outcomes"], flags)

    def bound_rubric(self, question: Roleplay, rubrics: dict, lang: str | None = None) -> Rubric:
        """The rubric bound to the question for a reply in `lang` (default: its first)."""
        lang = lang or question.languages(question.language)[0]
        return bind_scenario(
            rubrics[question.rubric], question, question.criteria, lang, question.language
        )

    def rubric_for(self, question: Roleplay, context: GradingContext, lang: str) -> Rubric:
        """The rubric bound to the question for a reply in `lang`, kept with the version."""
        return context.bound_rubric((question.id, lang), lambda: bind_scenario(
            context.compiled_rubric(question.rubric), question, question.criteria, lang,
            question.language,
        ))  # fmt: skip

    def prepare(self, question: Roleplay, context: GradingContext) -> None:
        """A reply is scored in the language it is written in, whatever it was served in."""
        for lang in LANGUAGES:
            rubric_tools.warm(self.rubric_for(question, context, lang), lang)

    def problems(self, question: Roleplay, rubrics: dict) -> Problems:
        if question.rubric not in rubrics:
            return _unknown_rubric(question.rubric, rubrics)
        found = scenario_problems(
            rubrics[question.rubric], question, question.criteria, question.language
        )
        if not found:
            found += example_problems(question.examples, self.bound_rubric(question, rubrics), ())
        return found

    def grade(self, question: Roleplay, answer: Any, context: GradingContext | None = None):
        """The reply is scored in the language it is written in; the detail records the
        language the customer's message was served in and the message itself."""
        context = context or GradingContext()
        text = answer if isinstance(answer, str) else ""
        served, scored_in = question.served_and_scored(text, context.locale, question.language)
        rubric = self.rubric_for(question, context, scored_in)
        pass_mark = pass_mark_of(question, context)
        detail = grade_reply(text, rubric, scored_in, pass_mark, context.locale)
        detail |= {"kind": "roleplay", "pass_mark": pass_mark, "served": served,
                   "customer": question.customer_in(served, question.language)}  # fmt: skip
        points = question.points * detail["score"] / 100
        return Grade(points, question.points, detail["passed"], detail)


register(RoleplayType)
