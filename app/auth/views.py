from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from app.access import allow, public, signed_in
from app.auth import services, sso
from app.auth.forms import ChangePasswordForm, ForgotPasswordForm, LoginForm, NewPasswordForm
from app.auth.models import INVITE, RESET
from app.extensions import db, limiter
from app.notifications.services import mail_configured
from app.people.forms import ConfirmForm
from app.people.models import User

bp = Blueprint("auth", __name__)


def _account_key() -> str:
    # Per account *and* address: failures from one place must not lock the account everywhere
    # (the per-address limit below still bounds each address across all accounts).
    email = request.form.get("email", "").strip().lower()
    return f"login-account:{request.remote_addr}/{email}"


def _reset_account_key() -> str:
    # Per address typed, from anywhere: this bounds the mail one mailbox can be sent.
    return "reset-account:" + request.form.get("email", "").strip().lower()


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
    return render_template(
        "auth/login.html", form=form, sso=_sso_button(), can_reset=mail_configured()
    ), 200


def _signed_in(user, target: str | None):
    session.clear()  # a fresh session at sign-in: nothing carried over from before
    login_user(user)
    session["locale"] = user.locale
    if user.password_temporary:
        return redirect(url_for("auth.change_password"))
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
    response = redirect(url_for("auth.login"))
    # Pages the browser kept to revalidate (app/security.py) go with the session.
    response.headers["Clear-Site-Data"] = '"cache"'
    return response


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
    return render_template(
        "auth/change_password.html", form=form, temporary=current_user.password_temporary
    )


# Pages a person with a temporary password may open before choosing their own.
TEMPORARY_PASSWORD_ALLOWS = {
    "auth.change_password", "auth.logout", "auth.login", "auth.forgot_password",
    "auth.accept_invitation", "auth.reset_password", "main.set_language", "main.health",
    "static",
}  # fmt: skip


def own_password_first():
    """A password an administrator set is temporary: nothing opens until it is changed.
    Runs before each request, after the write intent is marked (app/security.py): it reads
    the signed-in user, and so may open the request's transaction."""
    if request.endpoint is None or request.endpoint in TEMPORARY_PASSWORD_ALLOWS:
        return None
    user = current_user._get_current_object()
    if user.is_authenticated and user.password_temporary:
        return redirect(url_for("auth.change_password"))
    return None


@bp.route("/account/forgot", methods=["GET", "POST"])
@public
@limiter.limit(lambda: current_app.config["RESET_LIMIT_PER_ADDRESS"], methods=["POST"])
@limiter.limit(
    lambda: current_app.config["RESET_LIMIT_PER_ACCOUNT"],
    key_func=_reset_account_key,
    methods=["POST"],
)
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data)
        db.session.commit()
        # One answer whether or not the address has an account.
        return render_template("auth/forgot_sent.html")
    return render_template("auth/forgot.html", form=form)


@bp.route("/account/invitation/<token>", methods=["GET", "POST"])
@public
def accept_invitation(token: str):
    return _link_page(token, INVITE)


@bp.route("/account/reset/<token>", methods=["GET", "POST"])
@public
def reset_password(token: str):
    return _link_page(token, RESET)


def _link_page(token: str, purpose: str):
    """Choose a password with a link from an e-mail; the link is spent only when it is used
    (opening it, as mail scanners do, spends nothing)."""
    try:
        user = services.check_link(token, purpose)
    except services.AccountError:
        return _no_store(render_template("auth/link_invalid.html"), 410)
    session.setdefault("locale", user.locale)  # the person's language, unless chosen here
    form = NewPasswordForm()
    if form.validate_on_submit():
        try:
            user = services.set_password_with_link(token, purpose, form.new.data)
        except services.PasswordError as exc:
            db.session.rollback()
            form.new.errors.append(exc.message)
        except services.AccountError:
            db.session.rollback()
            return _no_store(render_template("auth/link_invalid.html"), 410)
        else:
            db.session.commit()
            session.clear()
            login_user(user)  # this session only: every other one has just ended
            session["locale"] = user.locale
            flash(_("Your password is saved. Welcome to Khidma."), "success")
            return redirect(url_for("main.home"))
    page = render_template("auth/set_password.html", form=form, user=user, purpose=purpose)
    return _no_store(page, 200)


def _no_store(body, status: int):
    response = make_response(body, status)
    response.headers["Cache-Control"] = "no-store"  # the address holds a working link
    return response


@bp.route("/admin/people/<int:user_id>/reset-password", methods=["POST"])
@allow("admin")
def admin_reset_password(user_id: int):
    """An admin gives a person a new temporary password, shown once (from the person's page)."""
    user = db.get_or_404(User, user_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    temporary = services.reset_password(user, actor=current_user)
    db.session.commit()
    return render_template("people/password_reset.html", user=user, temporary=temporary)


@bp.app_context_processor
def _account_state():
    """The person's page (people) shows the state of their invitation link."""
    return {"invitation_link": services.invitation_link}
