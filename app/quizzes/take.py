"""What the quiz page shows: each question in display order, dialogues so far, attempts left."""

from __future__ import annotations

from dataclasses import dataclass, field

from app.people.models import User
from app.quizzes import dialogue, services
from app.quizzes.answers import display_order, ordering_display
from app.quizzes.models import Quiz
from app.quizzes.versions import VersionView, view_version


@dataclass
class QuestionView:
    number: int
    type_name: str
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
    seed = services.token_key(token)
    views = [
        _question_view(user, version_row.id, version, number, qtype, question, seed)
        for number, (qtype, question) in enumerate(version.questions, start=1)
    ]
    state = services.attempts_state(user, quiz, version)
    updated = version_row.id != quiz.current_version_id
    return TakePage(quiz, version, state, views, token, updated)


def _question_view(user, version_id, version, number, qtype, question, seed) -> QuestionView:
    view = QuestionView(number, qtype.name, question)
    if qtype.name in ("single_choice", "multiple_choice"):
        view.options = display_order(question.choices, f"{seed}:{question.id}", version.shuffle)
    elif qtype.name == "ordering":
        view.options = ordering_display(question.items, f"{seed}:{question.id}")
    elif qtype.name == "roleplay":
        served = question.served_language(user.locale, question.language)
        view.customer = {
            "text": question.customer_in(served, question.language),
            "language": served,
        }
    elif qtype.name == "roleplay_dialogue":
        context = version.context(user.locale)
        scored, view.pending = dialogue.conversation(user, version_id, question, context)
        view.transcript = [
            {"customer": t["customer"], "language": t.get("served") or question.language,
             "text": t["text"]}
            for t in scored
        ]  # fmt: skip
        if view.pending is not None:
            view.customer = qtype.pending_customer(question, view.pending, user.locale)
    return view
