from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user

from app.access import signed_in
from app.extensions import db
from app.notifications import services
from app.people.forms import ConfirmForm

bp = Blueprint("notifications", __name__)


@bp.route("/notifications")
@signed_in
def inbox():
    notes = services.recent(current_user.id)
    return render_template(
        "notifications/inbox.html", notes=notes, message=services.message, form=ConfirmForm()
    )


@bp.route("/notifications/read", methods=["POST"])
@signed_in
def mark_read():
    if ConfirmForm().validate_on_submit():
        services.mark_all_read(current_user.id)
        db.session.commit()
    return redirect(url_for("notifications.inbox"))
