"""The names of attempts and answers that other records (the audit log) keep by id: the quiz,
the question's place in it, and whose they are; registered at app start."""

from flask_babel import format_decimal
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app import references
from app.extensions import db
from app.quizzes.models import Answer, Attempt


def _attempt_name(attempt: Attempt, lang: str) -> str:
    return _("%(quiz)s by %(person)s", quiz=attempt.quiz.title_in(lang),
             person=attempt.user.name(lang))  # fmt: skip


def attempt_names(ids: set[str], lang: str) -> dict[str, str]:
    query = (
        select(Attempt)
        .options(joinedload(Attempt.quiz), joinedload(Attempt.user))
        .where(Attempt.id.in_(references.int_ids(ids)))
    )
    return {str(attempt.id): _attempt_name(attempt, lang) for attempt in db.session.scalars(query)}


def answer_names(ids: set[str], lang: str) -> dict[str, str]:
    query = (
        select(Answer)
        .options(
            joinedload(Answer.attempt).joinedload(Attempt.quiz),
            joinedload(Answer.attempt).joinedload(Attempt.user),
        )  # fmt: skip
        .where(Answer.id.in_(references.int_ids(ids)))
    )
    return {
        str(answer.id): _(
            "Question %(number)s of %(attempt)s",
            number=format_decimal(answer.position),
            attempt=_attempt_name(answer.attempt, lang),
        )  # fmt: skip
        for answer in db.session.scalars(query)
    }


references.register("attempt", attempt_names, objects=("attempt",))
references.register("answer", answer_names, keys=("answer_id",), objects=("answer",))
