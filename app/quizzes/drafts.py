"""Answers typed into a quiz form and not submitted yet, kept on the server per person and quiz
version: sending a dialogue turn, pressing "save", or leaving the page never throws them away.
Submitting the quiz deletes the draft in the attempt's transaction (services.submit_attempt)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from werkzeug.datastructures import MultiDict

from app import clock
from app.extensions import db
from app.people.models import User
from app.quizzes.models import QuizDraft

ANSWER_PREFIX = "q-"  # every answer field of the quiz form is named q-<question id>[-...]


def answer_fields(form, leave_out: str | None = None) -> list[list[str]]:
    """The answer fields of a posted form as [name, value] pairs, in order."""
    return [
        [name, value]
        for name, value in form.items(multi=True)
        if name.startswith(ANSWER_PREFIX) and name != leave_out
    ]


def save_draft(user: User, version_id: int, form, leave_out: str | None = None) -> None:
    """Keep the form's answers (all but `leave_out`) as the person's draft of this version, and
    commit."""
    fields = answer_fields(form, leave_out)
    draft = _draft(user.id, version_id)
    if draft is None:
        draft = QuizDraft(user_id=user.id, quiz_version_id=version_id)
        db.session.add(draft)
    draft.fields, draft.updated_at = fields, clock.now()
    try:
        db.session.commit()
    except IntegrityError:  # two saves of a first draft at once: keep the later one
        db.session.rollback()
        draft = _draft(user.id, version_id)
        draft.fields, draft.updated_at = fields, clock.now()
        db.session.commit()


def draft_answers(user: User, version_id: int) -> MultiDict | None:
    """The saved answers of this version's form, or None when nothing is kept."""
    draft = _draft(user.id, version_id)
    return MultiDict([tuple(pair) for pair in draft.fields]) if draft else None


def _draft(user_id: int, version_id: int) -> QuizDraft | None:
    return db.session.scalar(
        select(QuizDraft).where(
            QuizDraft.user_id == user_id, QuizDraft.quiz_version_id == version_id
        )
    )
