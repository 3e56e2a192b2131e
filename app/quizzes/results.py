"""Reading attempts back: who may see one, and the automatic and overridden scores side by side."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from app.extensions import db
from app.people import services as people
from app.people.models import User
from app.quizzes import services
from app.quizzes.models import Answer, AnswerFlag, Attempt, ScoreOverride
from app.quizzes.question_types import QuestionType
from app.quizzes.versions import view_version


def get_visible_attempt(viewer: User, attempt_id: int) -> Attempt | None:
    """The attempt if the viewer is its owner, a manager of the owner's team, hr or admin."""
    attempt = db.session.scalar(
        select(Attempt)
        .options(selectinload(Attempt.answers), joinedload(Attempt.quiz))
        .where(Attempt.id == attempt_id)
    )
    if attempt is None:
        return None
    if attempt.user_id == viewer.id or people.get_visible_person(viewer, attempt.user_id):
        return attempt
    return None


def latest_override(attempt_id: int) -> ScoreOverride | None:
    """The override in force for the attempt (the newest one)."""
    return db.session.scalar(
        select(ScoreOverride)
        .options(joinedload(ScoreOverride.manager))
        .where(ScoreOverride.attempt_id == attempt_id)
        .order_by(ScoreOverride.id.desc())
        .limit(1)
    )


def answer_overrides(attempt_id: int) -> dict[int, ScoreOverride]:
    """The newest override of each overridden answer of an attempt."""
    rows = db.session.scalars(
        select(ScoreOverride)
        .options(joinedload(ScoreOverride.manager))
        .where(ScoreOverride.attempt_id == attempt_id, ScoreOverride.answer_id.is_not(None))
        .order_by(ScoreOverride.id)
    )
    return {row.answer_id: row for row in rows}


def flags_of(answer_ids: list[int]) -> dict[int, AnswerFlag]:
    if not answer_ids:
        return {}
    rows = db.session.scalars(select(AnswerFlag).where(AnswerFlag.answer_id.in_(answer_ids)))
    return {row.answer_id: row for row in rows}


@dataclass
class AnswerView:
    """One answer as the result and review pages show it (its type's result template)."""

    answer: Answer
    question: object
    qtype: QuestionType | None  # None: the question is gone from a malformed stored version
    number: int
    override: ScoreOverride | None = None
    flag: AnswerFlag | None = None
    replies: list[dict] = field(default_factory=list)  # role-play: one per reply (turn)

    @property
    def is_roleplay(self) -> bool:
        return self.qtype is not None and self.qtype.is_roleplay


@dataclass(frozen=True)
class Point:
    """One criterion as the outcome summary names it: its title and, for something to do
    next time, the advice (with an example) in both languages."""

    id: str
    title: dict
    advice: dict = field(default_factory=dict)


@dataclass
class Outcome:
    """What the result page leads with: what was done well, the few things to do next time,
    and how many of the other questions were answered correctly."""

    strengths: list[Point] = field(default_factory=list)
    next_steps: list[Point] = field(default_factory=list)
    correct: int = 0
    questions: int = 0  # questions that are not role-plays


NEXT_STEPS = 3


@dataclass
class AttemptView:
    attempt: Attempt
    answers: list[AnswerView]
    override: ScoreOverride | None
    outcome: Outcome = field(default_factory=Outcome)

    @property
    def passed(self) -> bool:
        """Passed, counting the override in force."""
        return self.override.passed if self.override else self.attempt.auto_passed


def view_attempt(attempt: Attempt) -> AttemptView:
    """Everything the result page shows, in a fixed number of queries."""
    version = view_version(attempt.quiz_version)
    overrides = answer_overrides(attempt.id)
    flags = flags_of([a.id for a in attempt.answers])
    views = [view_answer(answer, version, overrides.get(answer.id)) for answer in attempt.answers]
    for item in views:
        item.flag = flags.get(item.answer.id)
    return AttemptView(attempt, views, latest_override(attempt.id), outcome_of(views))


def _decided(item: AnswerView, o: dict) -> tuple[bool, bool]:
    """(present, as the scorer said): a reviewer's decision on the criterion wins."""
    reviewed = item.override.criteria.get(o["key"]) if item.override else None
    present = o["present"] if reviewed is None else bool(reviewed)
    return present, present == o["present"]


def outcome_of(items: list[AnswerView]) -> Outcome:
    """The summary of an attempt: role-play criteria met (strongest first) and the things to
    do next time (critical mistakes, then other mistakes, then the weightiest criteria
    missed), each criterion once; the advice stored with a criterion is only used where the
    reviewer left it as the scorer decided (it was written for that decision)."""
    outcome, ranked = Outcome(), []
    for item in items:
        if not item.is_roleplay:
            outcome.questions += 1
            outcome.correct += item.answer.points >= item.answer.max_points
            continue
        for reply in item.replies:
            for o in reply["required"] + reply["forbidden"]:
                present, as_scored = _decided(item, o)
                advice = o.get("advice") or {} if as_scored else {}
                point = Point(o["id"], o.get("title") or {}, advice)
                if o["kind"] == "required" and present:
                    ranked.append((0, -o["weight"], point))
                elif o["kind"] == "forbidden" and present:
                    ranked.append((1, 0 if o["critical"] else 1, point))
                elif o["kind"] == "required":
                    ranked.append((2, -o["weight"], point))
    ranked.sort(key=lambda entry: entry[:2])
    seen: set[tuple[bool, str]] = set()
    for group, _, point in ranked:
        good = group == 0
        if (good, point.id) in seen or (not good and (False, point.id) in seen):
            continue
        seen.add((good, point.id))
        (outcome.strengths if good else outcome.next_steps).append(point)
    outcome.strengths = [p for p in outcome.strengths if (False, p.id) not in seen]
    outcome.next_steps = outcome.next_steps[:NEXT_STEPS]
    return outcome


def view_answer(answer: Answer, version, override: ScoreOverride | None) -> AnswerView:
    found = version.question(answer.question_id)
    qtype, question = found if found else (None, None)
    item = AnswerView(answer, question, qtype, answer.position, override)
    if qtype is not None and answer.detail:
        item.replies = qtype.replies(answer.detail)
    return item


def answer_type(answer: Answer) -> QuestionType:
    """The type of the question an answer was given to, in the version it was taken on."""
    return view_version(answer.attempt.quiz_version).question(answer.question_id)[0]


def next_attempt(view: AttemptView):
    """For a result that did not pass, its owner's attempts at the quiz now (when the next
    one opens, or why none is left); None for a pass or a quiz no longer loaded."""
    quiz = view.attempt.quiz
    if view.passed or quiz.current_version is None or not quiz.active:
        return None
    return services.attempts_state(view.attempt.user, quiz, view_version(quiz.current_version))
