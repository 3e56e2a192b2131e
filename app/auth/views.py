from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from app.access import allow, public, signed_in
from app.auth import services
from app.auth.forms import ChangePasswordForm, LoginForm
from app.extensions import db, limiter
from app.people.forms import ConfirmForm
from app.people.models import User

bp = Blueprint("auth", __name__)


def _account_key() -> str:
    # Per account *and* address: failures from one place must not lock the account everywhere
    # (the per-address limit below still bounds each address across all accounts).
    email = request.form.get("email", "").strip().lower()
    return f"login-account:{request.remote_addr}/{email}"


def _failed(response) -> bool:
    return response.status_code != 302


def safe_next(target: str | None) -> str | None:
    """Only paths on this site: no scheme, no host, no protocol-relative or backslash tricks."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else None


@bp.route("/login", methods=["GET", "POST"])
@public
@limiter.limit(
    lambda: current_app.config["LOGIN_LIMIT_PER_ADDRESS"], methods=["POST"], deduct_when=_failed
)
@limiter.limit(
    lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT"],
    key_func=_account_key,
    methods=["POST"],
    deduct_when=_failed,
)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is not None:
            target = safe_next(request.args.get("next"))
            session.clear()  # a fresh session at sign-in: nothing carried over from before
            login_user(user)
            session["locale"] = user.locale
            return redirect(target or url_for("main.home"))
        flash(_("Email or password is incorrect."), "danger")
    return render_template("auth/login.html", form=form), 200


@bp.route("/logout", methods=["POST"])
@signed_in
def logout():
    # Clearing the cookie is not enough: a copy of it would still open every page.
    services.end_sessions(current_user._get_current_object())
    db.session.commit()
    logout_user()
    session.clear()
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@signed_in
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        if services.authenticate(current_user.email, form.current.data) is None:
            form.current.errors.append(_("The current password is incorrect."))
        else:
            user = current_user._get_current_object()
            services.set_password(user, form.new.data, actor=user, reason="own")
            db.session.commit()
            login_user(user)  # keep this session (new session version), end the others
            flash(_("Your password has been changed."), "success")
            return redirect(url_for("main.home"))
    return render_template("auth/change_password.html", form=form)


@bp.route("/admin/people/<int:user_id>/reset-password", methods=["POST"])
@allow("admin")
def reset_password(user_id: int):
    """An admin gives a person a new random password, shown once (from the person's page)."""
    user = db.get_or_404(User, user_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    temporary = services.reset_password(user, actor=current_user)
    db.session.commit()
    return render_template("people/password_reset.html", user=user, temporary=temporary)
