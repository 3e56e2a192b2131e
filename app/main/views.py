from flask import Blueprint, current_app, redirect, render_template, request, session, url_for
from flask_login import current_user

from app.auth.access import public, signed_in
from app.auth.views import safe_next
from app.extensions import db

bp = Blueprint("main", __name__)


@bp.route("/")
@signed_in
def home():
    return render_template("main/home.html")


@bp.route("/language", methods=["POST"])
@public
def set_language():
    """Switch the interface language; stored on the profile of a signed-in user."""
    locale = request.form.get("locale", "")
    if locale in current_app.config["LANGUAGES"]:
        session["locale"] = locale
        if current_user.is_authenticated and current_user.locale != locale:
            current_user.locale = locale
            db.session.commit()
    return redirect(safe_next(request.form.get("next")) or url_for("main.home"))


@bp.route("/health")
@public
def health():
    return {"status": "ok"}
