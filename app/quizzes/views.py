from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from app import events
from app.access import allow, signed_in
from app.extensions import db
from app.quizzes import dialogue, drafts, results, review, services
from app.quizzes.errors import QuizRefused
from app.quizzes.forms import FlagForm, OverrideForm
from app.quizzes.take import take_page
from app.quizzes.versions import view_version

bp = Blueprint("quizzes", __name__)


def _quiz_or_404(quiz_id: str):
    quiz = services.get_takeable_quiz(quiz_id)
    if quiz is None:
        abort(404)
    return quiz


def _render_take(quiz, token: str, *, given=None, error=None, status=200):
    if not services.token_key(token):
        token = services.issue_token(current_user, quiz)
    page = take_page(current_user, quiz, token)
    html = render_template(
        "quizzes/take.html", page=page, given=given or MultiDict(), error=error,
        max_reply=current_app.config["MAX_REPLY_CHARS"],
    )  # fmt: skip
    return html, status


@bp.route("/quizzes/<quiz_id>")
@signed_in
def take(quiz_id: str):
    quiz = _quiz_or_404(quiz_id)
    try:
        services.check_quiz_open(current_user, quiz)
    except QuizRefused as exc:  # e.g. a placement test not offered to this user
        abort(exc.status, description=exc.message)
    saved = drafts.draft_answers(current_user, quiz.current_version_id)
    return _render_take(quiz, services.issue_token(current_user, quiz), given=saved)


@bp.route("/quizzes/<quiz_id>/draft", methods=["POST"])
@signed_in
def save_draft(quiz_id: str):
    """Keep what is typed so far; the quiz page shows it again until the quiz is submitted."""
    quiz = _quiz_or_404(quiz_id)
    try:
        services.save_form(current_user, quiz, request.form.get("token", ""), request.form)
    except QuizRefused as exc:
        return _render_take(quiz, "", given=request.form, error=exc.message, status=exc.status)
    flash(_("Your answers are saved. You can come back and finish the quiz later."), "success")
    return redirect(url_for("quizzes.take", quiz_id=quiz.id))


@bp.route("/quizzes/<quiz_id>/submit", methods=["POST"])
@signed_in
def submit(quiz_id: str):
    quiz = _quiz_or_404(quiz_id)
    token = request.form.get("token", "")
    try:
        attempt = services.submit_attempt(current_user, quiz, request.form, token)
    except QuizRefused as exc:
        db.session.rollback()
        return _render_take(quiz, token, given=request.form, error=exc.message, status=exc.status)
    return redirect(url_for("quizzes.result", attempt_id=attempt.id))


@bp.route("/quizzes/<quiz_id>/dialogue/<question_id>", methods=["POST"])
@signed_in
def send_turn(quiz_id: str, question_id: str):
    """One reply in a dialogue; the page comes back with the other answers as typed."""
    quiz = _quiz_or_404(quiz_id)
    token, reply_field = request.form.get("token", ""), f"q-{question_id}"
    version_row = services.form_version(quiz, token)
    question = dialogue.dialogue_question(view_version(version_row), question_id)
    if question is None:
        abort(404)
    turn_id = request.form.get(f"turn-{question_id}", "")
    try:
        dialogue.send_turn_reply(
            current_user, quiz, token, question, turn_id, request.form.get(reply_field, "")
        )
    except QuizRefused as exc:
        db.session.rollback()
        return _render_take(quiz, token, given=request.form, error=exc.message, status=exc.status)
    # The other answers on the page are kept as a draft: the sent box is empty for the next turn.
    drafts.save_draft(current_user, version_row.id, request.form, leave_out=reply_field)
    given = request.form.copy()
    given.pop(reply_field, None)
    return _render_take(quiz, token, given=given)


@bp.route("/attempts/<int:attempt_id>")
@signed_in
def result(attempt_id: int):
    attempt = results.get_visible_attempt(current_user, attempt_id)
    if attempt is None:
        abort(404)
    view = results.view_attempt(attempt)
    owner = attempt.user_id == current_user.id
    return render_template(
        "quizzes/result.html", view=view, owner=owner, flag_form=FlagForm(),
        next_attempt=results.next_attempt(view), **_result_parts(attempt),
    )  # fmt: skip


def _result_parts(attempt) -> dict:
    """What other capabilities add to a result page (placement: `sections`, each tier's score
    and the courses it recognised), asked through the attempt_shown event."""
    parts = {"sections": []}
    for _receiver, found in events.attempt_shown.send(attempt):
        parts.update(found or {})
    return parts


@bp.route("/answers/<int:answer_id>/flag", methods=["POST"])
@signed_in
def flag(answer_id: int):
    answer = review.own_roleplay_answer(current_user, answer_id)
    if answer is None:
        abort(404)
    form = FlagForm()
    if form.validate_on_submit():
        review.flag_answer(current_user, answer, form.reason.data)
        db.session.commit()
        flash(_("Thank you: a manager will review this answer."), "success")
    elif form.reason.data and form.reason.data.strip():
        flash(form.reason.errors[0], "danger")  # e.g. the character that is refused
    else:
        flash(_("Say why you think the answer was scored wrongly."), "danger")
    target = url_for("quizzes.result", attempt_id=answer.attempt_id)
    return redirect(f"{target}#answer-{answer.id}")


@bp.route("/review")
@allow("manager")
def review_queue():
    page, flags = review.review_queue(current_user, request.args.get("page", 1, type=int))
    return render_template(
        "quizzes/review_queue.html", page=page, flags=flags, low_confidence=review.LOW_CONFIDENCE
    )


def _review_page(answer, form, status=200):
    version = view_version(answer.attempt.quiz_version)
    overrides = results.answer_overrides(answer.attempt_id)
    item = results.view_answer(answer, version, overrides.get(answer.id))
    flags = results.flags_of([answer.id])
    item.flag = flags.get(answer.id)
    html = render_template(
        "quizzes/review_answer.html", item=item, answer=answer, form=form,
        current=review.criterion_keys(answer) | (item.override.criteria if item.override else {}),
    )  # fmt: skip
    return html, status


@bp.route("/review/answers/<int:answer_id>")
@allow("manager")
def review_answer(answer_id: int):
    answer = review.reviewable_answer(current_user, answer_id)
    if answer is None:
        abort(404)
    return _review_page(answer, OverrideForm())


@bp.route("/review/answers/<int:answer_id>", methods=["POST"])
@allow("manager")
def override(answer_id: int):
    answer = review.reviewable_answer(current_user, answer_id)
    if answer is None:
        abort(404)
    form = OverrideForm()
    if not form.validate_on_submit():
        return _review_page(answer, form, 422)
    flags = {k[2:]: v == "1" for k, v in request.form.items() if k.startswith("c-")}
    link = url_for("quizzes.result", attempt_id=answer.attempt_id)
    try:
        review.override_answer(current_user, answer, flags, form.total.data, form.reason.data,
                               link=link)  # fmt: skip
    except QuizRefused as exc:
        db.session.rollback()
        form.reason.errors = [exc.message]
        return _review_page(answer, form, 422)
    db.session.commit()
    flash(_("Override saved; the agent has been notified."), "success")
    return redirect(url_for("quizzes.review_queue"))
