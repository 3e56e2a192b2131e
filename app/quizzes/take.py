"""What the quiz page shows: each question in display order, dialogues so far, attempts left."""

from __future__ import annotations

from dataclasses import dataclass, field

from app.people.models import User
from app.quizzes import services
from app.quizzes.models import Quiz
from app.quizzes.question_types import QuestionType, Sitting
from app.quizzes.versions import VersionView, view_version


@dataclass
class QuestionView:
    """One question of the quiz page; its type's form template shows it."""

    number: int
    qtype: QuestionType
    question: object
    options: list = field(default_factory=list)  # choices or ordering items, as shown
    transcript: list[dict] = field(default_factory=list)  # dialogue: earlier turns
    pending: object | None = None  # dialogue: the customer turn waiting for a reply
    # role-play: the customer's message as this agent is served it, {"text", "language"}
    customer: dict | None = None


@dataclass
class TakePage:
    quiz: Quiz
    version: VersionView
    state: services.AttemptsState
    questions: list[QuestionView]
    token: str
    updated_since: bool = False  # the quiz changed after this form was opened


def take_page(user: User, quiz: Quiz, token: str) -> TakePage:
    """The quiz as the user sees it now, in the version the form was issued for; options are
    shuffled the same way for one form."""
    version_row = services.form_version(quiz, token)
    version = view_version(version_row)
    sitting = Sitting(user, version_row.id, version.context(user.locale),
                      seed=services.token_key(token), shuffle=version.shuffle)  # fmt: skip
    views = [
        QuestionView(number, qtype, question, **qtype.show(question, sitting))
        for number, (qtype, question) in enumerate(version.questions, start=1)
    ]
    state = services.attempts_state(user, quiz, version)
    updated = version_row.id != quiz.current_version_id
    return TakePage(quiz, version, state, views, token, updated)
