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

from app.auth import services, sso
from app.auth.access import public, signed_in
from app.auth.forms import ChangePasswordForm, LoginForm
from app.extensions import db, limiter

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
        if user is not None and not sso.password_sign_in_allowed(user):
            message = _(
                "Password sign-in is turned off for your account. Sign in with %(provider)s.",
                provider=sso.provider_name(),
            )
            flash(message, "danger")
        elif user is not None:
            return _signed_in(user, safe_next(request.args.get("next")))
        else:
            flash(_("Email or password is incorrect."), "danger")
    return render_template("auth/login.html", form=form, sso=_sso_button()), 200


def _signed_in(user, target: str | None):
    session.clear()  # a fresh session at sign-in: nothing carried over from before
    login_user(user)
    session["locale"] = user.locale
    return redirect(target or url_for("main.home"))


def _sso_button() -> dict | None:
    if not sso.configured():
        return None
    label = _("Sign in with %(provider)s", provider=sso.provider_name())
    return {"label": label, "next": safe_next(request.args.get("next"))}


def _sso_failed(response) -> bool:
    return "_user_id" not in session  # a refused callback signs nobody in


@bp.route("/auth/oidc/login")
@public
def oidc_login():
    if not sso.configured():
        abort(404)
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    try:
        return sso.start_sign_in(safe_next(request.args.get("next")))
    except sso.SsoError as exc:
        current_app.logger.warning("single sign-on could not start: %s", exc.reason)
        flash(exc.message, "danger")
        return redirect(url_for("auth.login"))


@bp.route("/auth/oidc/callback")
@public
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ADDRESS"], deduct_when=_sso_failed)
def oidc_callback():
    if not sso.configured():
        abort(404)
    try:
        user = sso.account_for(sso.finish_sign_in())
    except sso.SsoError as exc:
        db.session.commit()  # keeps the audit entry of a refused identity
        current_app.logger.warning("single sign-on refused: %s", exc.reason)
        flash(exc.message, "danger")
        return redirect(url_for("auth.login"))
    db.session.commit()
    return _signed_in(user, safe_next(sso.take_next()))


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
