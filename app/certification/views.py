from flask import (
    Blueprint,
    Response,
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

from app import clock
from app.access import allow, public, signed_in
from app.certification import home, reminders, services
from app.certification import jobs as _jobs  # noqa: F401  (registers the daily steps)
from app.certification.forms import RevokeForm
from app.certification.pdf import certificate_pdf as render_pdf
from app.certification.pdf import verification_url
from app.extensions import db, limiter

bp = Blueprint("certification", __name__)
bp.app_template_global("certification_home")(home.certification_home)


@bp.route("/certificates")
@signed_in
def my_certificates():
    return render_template(
        "certification/mine.html", certificates=services.certificates_of(current_user.id),
        standings=home.standings_of(current_user.id), today=clock.today(),
    )  # fmt: skip


@bp.route("/certificates/<int:certificate_id>/certificate.pdf")
@signed_in
def certificate_pdf(certificate_id: int):
    """Made on request from the current data, never stored."""
    certificate = services.get_visible_certificate(current_user, certificate_id)
    if certificate is None:
        abort(404)
    data = render_pdf(certificate, current_app.config["PUBLIC_BASE_URL"])
    response = Response(data, mimetype="application/pdf")
    response.headers["Content-Disposition"] = (
        f'inline; filename="certificate-{certificate.code}.pdf"'
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/certification/certificates/<int:certificate_id>")
@allow("manager", "hr", "admin")
def certificate_detail(certificate_id: int):
    certificate = services.get_visible_certificate(current_user, certificate_id)
    if certificate is None:
        abort(404)
    return render_template(
        "certification/detail.html", certificate=certificate, today=clock.today(),
        history=services.certificates_of(certificate.user_id), form=RevokeForm(),
        url=verification_url(current_app.config["PUBLIC_BASE_URL"], certificate.code),
    )  # fmt: skip


@bp.route("/certification/certificates/<int:certificate_id>/revoke", methods=["POST"])
@allow("hr", "admin")
def revoke(certificate_id: int):
    certificate = services.get_visible_certificate(current_user, certificate_id)
    if certificate is None:
        abort(404)
    form = RevokeForm()
    if form.validate_on_submit():
        try:
            services.revoke_certificate(current_user, certificate, form.reason.data)
        except services.CertificationError as exc:
            db.session.rollback()
            flash(exc.message, "danger")
        else:
            db.session.commit()
            flash(_("The certificate is revoked."), "success")
    else:
        reason = form.reason.errors  # the rule it broke; empty when the CSRF token was wrong
        flash(reason[0] if reason else _("Give the reason for revoking (5 characters or more)."),
              "danger")  # fmt: skip
    return redirect(url_for("certification.certificate_detail", certificate_id=certificate_id))


@bp.route("/verify/<code>")
@public
@limiter.limit(lambda: current_app.config.get("VERIFY_LIMIT", "30 per minute"))
def verify(code: str):
    """Anyone holding a certificate's code may check it: name, certification, dates, status."""
    certificate = services.find_by_code(code[:40])
    if certificate is None:
        return render_template("certification/verify.html", certificate=None), 404
    return render_template(
        "certification/verify.html", certificate=certificate,
        status=certificate.status(clock.today()),
    )  # fmt: skip


@bp.route("/certification/expiring")
@allow("manager", "hr", "admin")
def expiring():
    """Certificates expiring soon: a manager's teams, or everyone for HR and admins."""
    longest = reminders.longest_reminder_window() or services.EXPIRING_DAYS
    days = min(max(request.args.get("days", longest, type=int), 1), 3650)
    found = reminders.expiring_soon(current_user, days, request.args.get("page", 1, type=int))
    return render_template(
        "certification/expiring.html", found=found, days=days, today=clock.today(),
        choices=sorted({7, 30, 60, 90, longest}),
    )  # fmt: skip
