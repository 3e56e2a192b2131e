"""Calibration pages: the sessions, a new session, a session with its agreement, a calibrated
conversation (blind scoring, then the scores side by side, the discussion and the agreed
scores), and each reviewer's consistency over time. Only the lead and the reviewers of a
session see it; anyone else gets 404."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import current_user

from app.access import allow
from app.conversations import calibration, forms
from app.conversations import calibration_figures as figures
from app.conversations.calibration import CalibrationError
from app.extensions import db
from app.i18n import current_language, text_direction

bp = Blueprint("calibration", __name__, url_prefix="/conversations/calibration")


def _session_or_404(session_id: int):
    found = calibration.visible_session(current_user, session_id)
    if found is None:
        abort(404)
    return found


def _item_or_404(session_id: int, item_id: int):
    session = _session_or_404(session_id)
    item = calibration.item_of(session, item_id)
    if item is None:
        abort(404)
    return session, item


def _done(error: CalibrationError | None, message: str) -> None:
    if error is None:
        db.session.commit()
        flash(message, "success")
    else:
        db.session.rollback()
        flash(str(error.message), "danger")


@bp.route("/")
@allow("manager", "admin")
def sessions():
    return render_template("calibration/sessions.html",
                           sessions=calibration.sessions_of(current_user))  # fmt: skip


@bp.route("/new", methods=["GET", "POST"])
@allow("manager", "admin")
def new():
    form = forms.CalibrationForm()
    form.reviewers.choices = [(u.id, u.name(current_language()))
                              for u in calibration.invitable_reviewers()]  # fmt: skip
    form.answers.choices = [(ref, _answer_label(ref, answer))
                            for ref, answer in calibration.recent_answers(current_user)]  # fmt: skip
    if form.validate_on_submit():
        typed = "\n".join([form.conversations.data or "", *(form.answers.data or [])])
        references = calibration.parse_references(typed)
        try:
            session = calibration.create_session(current_user, form.title.data,
                                                 form.reviewers.data, references)  # fmt: skip
        except CalibrationError as exc:
            db.session.rollback()
            form[exc.field].errors.append(exc.message)
        else:
            db.session.commit()
            flash(_("Calibration started: the reviewers can score now."), "success")
            return redirect(url_for(".session", session_id=session.id))
    return render_template("calibration/new.html", form=form)


def _answer_label(reference: str, answer) -> str:
    attempt, lang = answer.attempt, current_language()
    parts = [attempt.user.name(lang), attempt.quiz.title_in(lang),
             format_date(attempt.submitted_at, "short"), reference]  # fmt: skip
    return " · ".join(parts)


@bp.route("/<int:session_id>")
@allow("manager", "admin")
def session(session_id: int):
    found = _session_or_404(session_id)
    summary = calibration.sees_summary(current_user, found)
    return render_template(
        "calibration/session.html", session=found,
        mine=calibration.submitted_items(found, current_user),
        agreement=figures.session_agreement(found, current_language()) if summary else None,
        missing={item.id for item in calibration.missing_agreed(found)},
        is_lead=calibration.is_lead(current_user, found),
        is_member=calibration.is_member(current_user, found), action=forms.LeadActionForm(),
    )  # fmt: skip


@bp.route("/<int:session_id>/items/<int:item_id>", methods=["GET", "POST"])
@allow("manager", "admin")
def item(session_id: int, item_id: int):
    found, entry = _item_or_404(session_id, item_id)
    items = calibration.scorecard_items(entry)
    form = forms.calibration_score_form(items, current_language())
    if form.validate_on_submit():
        try:
            calibration.submit_scores(current_user, found, entry, forms.ratings_of(form, items))
        except CalibrationError as exc:
            db.session.rollback()
            form.form_errors.append(exc.message)
        else:
            db.session.commit()
            flash(_("Your scores are in: here is how the others scored."), "success")
            return redirect(url_for(".item", session_id=found.id, item_id=entry.id))
    return _item_page(found, entry, form)


def _item_page(found, entry, form):
    sees = calibration.sees_scores(current_user, found, entry)
    is_lead = calibration.is_lead(current_user, found)
    rows = figures.item_rows(entry, current_language()) if sees else []
    agreed = None
    if is_lead and sees and found.scoring_closed_at and not found.closed_at:
        agreed = forms.agreed_form(calibration.scorecard_items(entry), current_language(),
                                   data={f"agreed_{forms.field_key(r.key)}": r.agreed or ""
                                         for r in rows})  # fmt: skip
    can_score = (calibration.is_member(current_user, found) and not found.scoring_closed_at
                 and current_user.id not in calibration.submitted_by(entry))  # fmt: skip
    return render_template(
        "calibration/item.html", session=found, entry=entry, conversation=entry.conversation,
        reply=calibration.item_reply(entry), earlier=calibration.earlier_replies(entry),
        form=form if can_score else None, errors=form.form_errors, sees=sees, rows=rows, agreed_form=agreed,
        discussion=forms.DiscussionForm() if sees and not found.closed_at else None,
        items=calibration.scorecard_items(entry), forms=forms,
    )  # fmt: skip


@bp.route("/<int:session_id>/items/<int:item_id>/discussion", methods=["POST"])
@allow("manager", "admin")
def discuss(session_id: int, item_id: int):
    found, entry = _item_or_404(session_id, item_id)
    form = forms.DiscussionForm()
    error = None
    if not form.validate_on_submit():
        error = CalibrationError("text", next(iter(form.text.errors), _("write a comment")))
    else:
        try:
            calibration.add_comment(current_user, found, entry, form.scorecard_item.data,
                                    form.text.data)  # fmt: skip
        except CalibrationError as exc:
            error = exc
    _done(error, _("Comment added."))
    anchor = f"item-{form.scorecard_item.data or ''}"
    return redirect(url_for(".item", session_id=found.id, item_id=entry.id, _anchor=anchor))


@bp.route("/<int:session_id>/items/<int:item_id>/agreed", methods=["POST"])
@allow("manager", "admin")
def agree(session_id: int, item_id: int):
    found, entry = _item_or_404(session_id, item_id)
    items = calibration.scorecard_items(entry)
    form = forms.agreed_form(items, current_language())
    error = None
    try:
        if not form.validate_on_submit():
            raise CalibrationError("agreed", _("rate every item of the scorecard"))
        calibration.record_agreed(current_user, found, entry, forms.agreed_of(form, items))
    except CalibrationError as exc:
        error = exc
    _done(error, _("Agreed scores recorded."))
    return redirect(url_for(".item", session_id=found.id, item_id=entry.id))


@bp.route("/<int:session_id>/close-scoring", methods=["POST"])
@allow("manager", "admin")
def close_scoring(session_id: int):
    found = _session_or_404(session_id)
    error = None
    try:
        if not forms.LeadActionForm().validate_on_submit():
            raise CalibrationError("agreed", _("the form has expired, try again"))
        calibration.close_scoring(current_user, found)
    except CalibrationError as exc:
        error = exc
    _done(error, _("Scoring closed: every reviewer now sees every score."))
    return redirect(url_for(".session", session_id=found.id))


@bp.route("/<int:session_id>/close", methods=["POST"])
@allow("manager", "admin")
def close(session_id: int):
    found = _session_or_404(session_id)
    error = None
    try:
        if not forms.LeadActionForm().validate_on_submit():
            raise CalibrationError("agreed", _("the form has expired, try again"))
        calibration.close_session(current_user, found)
    except CalibrationError as exc:
        error = exc
    _done(error, _("Calibration closed; its agreed scores are kept as labelled examples."))
    return redirect(url_for(".session", session_id=found.id))


@bp.route("/consistency")
@allow("manager", "admin")
def consistency():
    months = min(max(request.args.get("months", type=int) or 6, 2), 24)
    return render_template("calibration/consistency.html",
                           found=figures.consistency(current_user, text_direction() == "rtl",
                                                     months))  # fmt: skip
