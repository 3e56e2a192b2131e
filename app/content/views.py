from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select

from app.access import allow
from app.content import services
from app.content.models import ContentVersion
from app.extensions import db
from app.people.forms import ConfirmForm

bp = Blueprint("content", __name__, url_prefix="/admin")


@bp.route("/content")
@allow("admin")
def status():
    catalogue, problems = services.check_content_kept(current_app.config["CONTENT_DIR"])
    versions = db.session.scalars(
        select(ContentVersion).order_by(ContentVersion.id.desc()).limit(10)
    ).all()
    return render_template(
        "content/status.html", catalogue=catalogue, problems=problems, versions=versions,
        form=ConfirmForm(),
    )  # fmt: skip


@bp.route("/content/sync", methods=["POST"])
@allow("admin")
def sync():
    if ConfirmForm().validate_on_submit():
        try:
            report = services.sync_content(current_app.config["CONTENT_DIR"], actor=current_user)
        except services.ContentError as exc:
            db.session.rollback()
            count = len(exc.problems)
            message = ngettext(
                "Nothing was loaded: %(num)s problem.",
                "Nothing was loaded: %(num)s problems.",
                count,
            )
            flash(message, "danger")
        else:
            db.session.commit()
            message = _("Content loaded.") if report.changed else _("No changes.")
            flash(message, "success")
    return redirect(url_for("content.status"))
