"""Conversation pages: import, lists, a conversation with its scored turns and reviews, the
review form, disputes and their resolution, and the reviewer's queue."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.access import allow, signed_in
from app.conversations import forms, reviews, sampling, services
from app.conversations.importer import COLUMNS
from app.conversations.reviews import Resolution, ReviewError
from app.extensions import db
from app.i18n import current_language
from app.quizzes.roleplay_types import reply_view

bp = Blueprint("conversations", __name__, url_prefix="/conversations")


@bp.route("/import", methods=["GET", "POST"])
@allow("manager", "admin")
def import_conversations():
    form = forms.ImportForm()
    report = None
    if form.validate_on_submit():
        upload = form.file.data
        report = services.import_file(upload.read(), upload.filename or "", actor=current_user)
        if report.ok:
            db.session.commit()
            flash(_("Conversations imported: %(added)d added, %(same)d already there.",
                    added=len(report.added), same=len(report.unchanged)), "success")  # fmt: skip
        else:
            db.session.rollback()
    return render_template("conversations/import.html", form=form, report=report,
                           columns=COLUMNS)  # fmt: skip


@bp.route("/")
@allow("manager", "hr", "admin")
def list_conversations():
    page = reviews.visible_conversations(current_user, request.args.get("page", type=int) or 1)
    done = reviews.reviewed_ids([c.id for c in page.items])
    return render_template("conversations/list.html", page=page, reviewed=done)


@bp.route("/mine")
@allow("agent")
def mine():
    page = reviews.visible_conversations(current_user, request.args.get("page", type=int) or 1)
    done = reviews.reviewed_ids([c.id for c in page.items])
    return render_template("conversations/list.html", page=page, reviewed=done, own=True)


def _visible_or_404(conversation_id: int):
    conversation = reviews.visible_conversation(current_user, conversation_id)
    if conversation is None:
        abort(404)
    return conversation


@bp.route("/<int:conversation_id>")
@signed_in
def detail(conversation_id: int):
    conversation = _visible_or_404(conversation_id)
    found = reviews.reviews_of(conversation.id)
    disputes = reviews.disputes_of([r.id for r in found])
    can_dispute = reviews.can_dispute(current_user, conversation, found, disputes)
    replies = {t.id: reply_view(t.detail, prefix="") for t in conversation.turns if t.detail}
    return render_template(
        "conversations/detail.html", conversation=conversation, replies_by_turn=replies,
        reviews=found, disputes=disputes, card=conversation.scorecard.definition,
        item_titles={r.id: reviews.item_titles(r.scorecard, current_language()) for r in found},
        dispute_form=forms.DisputeForm() if can_dispute else None,
        can_review=not found and reviews.manages(current_user, conversation.agent_id),
    )  # fmt: skip


@bp.route("/<int:conversation_id>/review", methods=["GET", "POST"])
@allow("manager")
def review(conversation_id: int):
    conversation = _visible_or_404(conversation_id)
    card = reviews.review_scorecard(conversation)
    items = card.definition["items"]
    form = forms.review_form(items, current_language(),
                             data=forms.values_of(conversation.auto_items))  # fmt: skip
    if form.validate_on_submit():
        try:
            reviews.record_review(current_user, conversation, forms.ratings_of(form, items))
        except ReviewError as exc:
            db.session.rollback()
            form.form_errors.append(exc.message)
        else:
            db.session.commit()
            flash(_("Review saved."), "success")
            return redirect(url_for(".detail", conversation_id=conversation.id))
    return render_template("conversations/review.html", form=form, conversation=conversation,
                           items=items, forms=forms)  # fmt: skip


@bp.route("/<int:conversation_id>/dispute", methods=["POST"])
@allow("agent")
def dispute(conversation_id: int):
    conversation = _visible_or_404(conversation_id)
    form = forms.DisputeForm()
    if not form.validate_on_submit():
        for error in form.reason.errors:
            flash(error, "danger")
        return redirect(url_for(".detail", conversation_id=conversation.id))
    try:
        reviews.open_dispute(current_user, conversation, form.reason.data)
    except ReviewError as exc:
        db.session.rollback()
        flash(str(exc.message), "danger")
    else:
        db.session.commit()
        flash(_("Your dispute was sent to your manager."), "success")
    return redirect(url_for(".detail", conversation_id=conversation.id))


@bp.route("/disputes")
@allow("manager")
def disputes():
    return render_template("conversations/disputes.html",
                           disputes=reviews.open_disputes(current_user))  # fmt: skip


@bp.route("/disputes/<int:dispute_id>", methods=["GET", "POST"])
@allow("manager")
def resolve(dispute_id: int):
    found = reviews.dispute_for_manager(current_user, dispute_id)
    if found is None:
        abort(404)
    card = found.review.scorecard
    items = card.definition["items"]
    ratings = {i.item_id: i.rating for i in found.review.items}
    comments = {i.item_id: i.comment for i in found.review.items}
    form = forms.resolve_form(items, current_language(),
                              data=forms.values_of(ratings, comments))  # fmt: skip
    if form.validate_on_submit() and found.resolved_at is None:
        resolution = Resolution(form.outcome.data, form.note.data, forms.ratings_of(form, items))
        try:
            reviews.resolve_dispute(current_user, found, resolution)
        except ReviewError as exc:
            db.session.rollback()
            form.form_errors.append(exc.message)
        else:
            db.session.commit()
            flash(_("Dispute resolved."), "success")
            return redirect(url_for(".detail", conversation_id=found.review.conversation_id))
    return render_template("conversations/resolve.html", form=form, dispute=found, items=items,
                           forms=forms)  # fmt: skip


@bp.route("/queue")
@allow("manager")
def queue():
    items, done = sampling.reviewer_queue(current_user)
    return render_template("conversations/queue.html", items=items, done=done)
