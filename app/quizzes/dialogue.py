"""Multi-turn role-plays in progress. The next customer turn depends on how the previous reply
scored, so replies are sent one turn at a time and kept in a DialogueDraft; submitting the quiz
turns them into the attempt's (immutable) answer and deletes the draft."""

from __future__ import annotations

from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app import clock
from app.extensions import db
from app.people.models import User
from app.quizzes import services
from app.quizzes.answers import field_name
from app.quizzes.errors import QuizRefused
from app.quizzes.models import DialogueDraft
from app.quizzes.question_types import GradingContext, get_type


def _dialogue_type():
    return get_type("roleplay_dialogue")


def get_draft(user: User, version_id: int, question_id: str) -> DialogueDraft | None:
    return db.session.scalar(
        select(DialogueDraft).where(
            DialogueDraft.user_id == user.id,
            DialogueDraft.quiz_version_id == version_id,
            DialogueDraft.question_id == question_id,
        )
    )


def conversation(user: User, version_id: int, question, context: GradingContext):
    """(scored turns so far, the customer turn waiting for a reply or None when it is over)."""
    draft = get_draft(user, version_id, question.id)
    return _dialogue_type().walk(question, draft.replies if draft else [], context)


def check_turn_reply(text: str) -> None:
    """A turn reply must be written, and no longer than the configured limit."""
    limit = current_app.config["MAX_REPLY_CHARS"]
    if not text.strip():
        raise QuizRefused(_("Write your reply to the customer before sending it."))
    if len(text) > limit:
        message = ngettext(
            "Your reply is %(num)s character long; the limit is %(limit)s.",
            "Your reply is %(num)s characters long; the limit is %(limit)s.",
            len(text), limit=limit,
        )  # fmt: skip
        raise QuizRefused(message)


def dialogue_question(version, question_id: str):
    """The question of a quiz version that takes its replies turn by turn, or None."""
    found = version.question(question_id)
    return found[1] if found and found[0].sends_turns else None


def send_turn_reply(user: User, quiz, token: str, question, turn_id: str, text: str) -> bool:
    """Record the reply to the turn the customer is on, in the quiz version the form shows,
    and commit. A reply to any other turn (a resent form, an old page) is ignored: returns
    False. QuizRefused when the form is not the user's, the reply is empty or too long, or no
    attempt is allowed now; the gate's refusal (CourseLocked) while the quiz may not be opened."""
    services.check_quiz_open(user, quiz)
    services.read_token(token, user, quiz)
    version_row = services.form_version(quiz, token)
    version = services.view_version(version_row)
    refusal = services.attempts_state(user, quiz, version).refusal
    if refusal:
        raise QuizRefused(refusal, 409)
    check_turn_reply(text)
    version_id, context = version_row.id, version.context(user.locale)
    draft = get_draft(user, version_id, question.id)
    replies = list(draft.replies) if draft else []
    _, pending = _dialogue_type().walk(question, replies, context)
    if pending is None or pending.id != turn_id:
        return False
    if draft is None:
        draft = DialogueDraft(user_id=user.id, quiz_version_id=version_id, question_id=question.id)
        db.session.add(draft)
    served = pending.served_language(user.locale, question.language)
    draft.replies = [*replies, {"turn": turn_id, "text": text, "served": served}]
    draft.updated_at = clock.now()
    try:
        db.session.commit()
    except IntegrityError:  # the same first reply, sent twice at once: the other one counts
        db.session.rollback()
        return False
    return True


def final_replies(sitting, question, form) -> list[dict]:
    """The dialogue's answer at submission: the replies sent so far, plus the reply typed for
    the turn on screen (empty when none; it then scores 0)."""
    draft = get_draft(sitting.user, sitting.version_id, question.id)
    replies = list(draft.replies) if draft else []
    _, pending = _dialogue_type().walk(question, replies, sitting.context)
    if pending is not None:
        on_screen = form.get(f"turn-{question.id}") == pending.id
        text = form.get(field_name(question.id), "") if on_screen else ""
        served = pending.served_language(sitting.context.locale, question.language)
        replies.append({"turn": pending.id, "text": text, "served": served})
    return replies


def drop_draft(user: User, version_id: int, question_id: str) -> None:
    """Submitting ends the conversation: its draft goes, in the caller's transaction."""
    draft = get_draft(user, version_id, question_id)
    if draft is not None:
        db.session.delete(draft)
