from flask import (
    Blueprint,
    abort,
    flash,
    has_request_context,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app import clock, exports
from app.access import allow, signed_in
from app.extensions import db
from app.i18n import current_language, text_direction
from app.page_cache.pages import kept_value
from app.people import services as people
from app.people.models import Department, Role, Team
from app.standards import definitions, forms, kpis, observations, reports, services
from app.standards import statuses as _statuses  # noqa: F401  (registers the daily step)
from app.standards.observations import ObservationInput
from app.standards.services import StandardsError

bp = Blueprint("standards", __name__, url_prefix="/standards")


@bp.app_context_processor
def _acknowledgement_banner():
    # Templates rendered outside a request (e-mails) have no banner.
    if not has_request_context() or request.endpoint == "standards.acknowledge":
        return {"standards_to_acknowledge": None}
    user = current_user._get_current_object()
    if not user.is_authenticated:  # visitors, and the 503 page, which must not ask the database
        return {"standards_to_acknowledge": None}
    # Whether one is due is kept per reader, the version's name per process (app/page_cache).
    due = kept_value("must acknowledge", user,
                     lambda: getattr(services.must_acknowledge(user), "id", None))  # fmt: skip
    label = services.current_version_label() if due else None
    return {"standards_to_acknowledge": {"version": label} if label else None}


# --- profiles and overviews -------------------------------------------------------------------


@bp.route("/me")
@allow("agent")
def profile():
    data = reports.agent_profile(current_user)
    metrics = definitions.metrics_of(data.version)
    return render_template("standards/profile.html", profile=data, own=True, metrics=metrics)


@bp.route("/agents/<int:user_id>")
@allow("manager", "hr", "admin")
def agent_profile(user_id: int):
    agent = people.get_visible_person(current_user, user_id)
    if agent is None or agent.role != Role.AGENT:
        abort(404)
    data = reports.agent_profile(agent)
    metrics = definitions.metrics_of(data.version)
    return render_template("standards/profile.html", profile=data, own=False, metrics=metrics)


@bp.route("/team")
@allow("manager")
def heatmap():
    team_id = request.args.get("team", type=int)
    data = reports.team_heatmap(current_user, request.args.get("sort", ""), team_id)
    trends = reports.team_trends(data, rtl=text_direction() == "rtl")
    return render_template("standards/heatmap.html", heatmap=data, team_id=team_id, trends=trends)


@bp.route("/company")
@allow("hr", "admin")
def company():
    return render_template("standards/company.html", view=reports.company_view())


# --- acknowledgement --------------------------------------------------------------------------


@bp.route("/acknowledge", methods=["GET", "POST"])
@signed_in
def acknowledge():
    version = definitions.cached_current_version()
    if version is None:
        abort(404)
    form = forms.AcknowledgeForm()
    if form.validate_on_submit():
        if services.acknowledge_standards(current_user, version):
            db.session.commit()
        flash(_("Thank you: your acknowledgement of version %(v)s is recorded.", v=version.version),
              "success")  # fmt: skip
        return redirect(url_for("main.home"))
    done = bool(services.acknowledged_current([current_user.id]))
    return render_template("standards/acknowledge.html", version=version, form=form, done=done,
                           standards=definitions.standards_of(version))  # fmt: skip


def _ack_filter() -> reports.AckFilter:
    args = request.args
    state = args.get("state", "")
    return reports.AckFilter(args.get("team", type=int), args.get("department", type=int),
                             state if state in ("done", "pending") else "")  # fmt: skip


@bp.route("/acknowledgements")
@allow("hr", "admin")
def acknowledgements():
    flt = _ack_filter()
    page, times = reports.acknowledgement_page(flt, request.args.get("page", type=int) or 1)
    return render_template(
        "standards/acknowledgements.html", page=page, times=times, flt=flt,
        version=definitions.cached_current_version(),
        teams=db.session.scalars(select(Team).order_by(Team.code)).all(),
        departments=db.session.scalars(select(Department).order_by(Department.code)).all(),
    )  # fmt: skip


@bp.route("/acknowledgements.<any(csv, xlsx):kind>")
@allow("hr", "admin")
def acknowledgements_export(kind: str):
    """Every matching agent and when they acknowledged the current version, as CSV or XLSX."""
    flt, lang = _ack_filter(), current_language()
    version = definitions.cached_current_version()
    header, rows = reports.acknowledgement_table(flt, lang)
    parts = [f"version-{version.version}" if version else "", flt.state]
    for label, model, key in (("department", Department, flt.department_id),
                              ("team", Team, flt.team_id)):  # fmt: skip
        found = db.session.get(model, key) if key else None
        parts.append(f"{label}-{found.code}" if found else "")
    name = exports.file_name("standards-acknowledgements", parts, exports.local_now(), kind)
    if kind == "csv":
        return exports.csv_response(name, header, rows)
    about = [[_("Acknowledgement of the service standards")],
             [_("Version"), version.version if version else ""],
             [_("Generated"), exports.local_now()]]  # fmt: skip
    workbook = exports.xlsx_file(_("Acknowledgements"), header, rows, about=about,
                                 about_title=_("Report"), rtl=lang == "ar")  # fmt: skip
    return exports.xlsx_response(name, workbook)


# --- observations -----------------------------------------------------------------------------


def _observation_input(form, standards) -> ObservationInput:
    reason = form.reason.data if hasattr(form, "reason") else ""
    return ObservationInput(form.observed_on.data, form.channel.data, form.reference.data or "",
                            forms.ratings_of(form, standards), reason or "")  # fmt: skip


def _save(form, standards, action):
    """Run a service on valid form data; a domain error becomes a form error (None)."""
    try:
        result = action(_observation_input(form, standards))
    except StandardsError as exc:
        db.session.rollback()
        target = getattr(form, exc.field, None)
        (target.errors if target is not None else form.form_errors).append(exc.message)
        return None
    db.session.commit()
    return result


@bp.route("/agents/<int:user_id>/observations/new", methods=["GET", "POST"])
@allow("manager")
def new_observation(user_id: int):
    agent = observations.observable_agent(current_user, user_id) or abort(404)
    standards = observations.observed_standards(definitions.cached_current_version())
    form = forms.observation_form(standards, current_language())
    if request.method == "GET":
        form.observed_on.data = clock.today()
    if form.validate_on_submit():
        saved = _save(form, standards,
                      lambda data: observations.record_observation(current_user, agent, data))  # fmt: skip
        if saved is not None:
            flash(_("Observation recorded."), "success")
            return redirect(url_for(".observation", observation_id=saved.id))
    return render_template("standards/observation_form.html", form=form, agent=agent,
                           standards=standards, mode="new")  # fmt: skip


def _observation_or_404(observation_id: int):
    return observations.visible_observation(current_user, observation_id) or abort(404)


@bp.route("/observations/<int:observation_id>")
@signed_in
def observation(observation_id: int):
    found = _observation_or_404(observation_id)
    return render_template(
        "standards/observation.html", observation=found,
        correction=observations.correction_of(found),
        editable=observations.can_edit(found, current_user),
        standards={s["id"]: s for s in definitions.standards_of(observations.version_of(found))},
    )  # fmt: skip


@bp.route("/observations/<int:observation_id>/edit", methods=["GET", "POST"])
@allow("manager")
def edit_observation(observation_id: int):
    found = _observation_or_404(observation_id)
    if not observations.can_edit(found, current_user):
        return render_template("standards/observation_locked.html", observation=found), 403
    standards = observations.observed_standards(observations.version_of(found))
    form = forms.observation_form(standards, current_language(),
                                  data=forms.observation_values(found))  # fmt: skip
    if form.validate_on_submit():
        saved = _save(form, standards, lambda data: observations.edit_observation(
            found, current_user, data) or found)  # fmt: skip
        if saved is not None:
            flash(_("Observation updated."), "success")
            return redirect(url_for(".observation", observation_id=found.id))
    return render_template("standards/observation_form.html", form=form, agent=found.agent,
                           standards=standards, mode="edit", original=found)  # fmt: skip


@bp.route("/observations/<int:observation_id>/correct", methods=["GET", "POST"])
@allow("manager")
def correct_observation(observation_id: int):
    found = _observation_or_404(observation_id)
    standards = observations.observed_standards(definitions.cached_current_version())
    form = forms.observation_form(standards, current_language(), correction=True,
                                  data=forms.observation_values(found))  # fmt: skip
    if form.validate_on_submit():
        saved = _save(form, standards, lambda data: observations.correct_observation(
            found, current_user, data))  # fmt: skip
        if saved is not None:
            flash(_("Correction recorded; the original observation no longer counts."), "success")
            return redirect(url_for(".observation", observation_id=saved.id))
    return render_template("standards/observation_form.html", form=form, agent=found.agent,
                           standards=standards, mode="correct", original=found)  # fmt: skip


@bp.route("/scorecard", methods=["GET", "POST"])
@allow("hr", "admin")
def scorecard():
    standards = observations.observed_standards(definitions.cached_current_version())
    critical = observations.critical_standard_ids()
    form = forms.scorecard_form(standards, critical, current_language())
    if form.validate_on_submit():
        chosen = {s["id"] for s in standards
                  if form[f"critical_{forms.field_key(s['id'])}"].data}  # fmt: skip
        if observations.set_critical_standards(chosen, actor=current_user):
            db.session.commit()
        flash(_("Scorecard saved."), "success")
        return redirect(url_for(".scorecard"))
    return render_template("standards/scorecard.html", form=form, standards=standards)


# --- KPI import -------------------------------------------------------------------------------


@bp.route("/kpis/import", methods=["GET", "POST"])
@allow("hr", "admin")
def import_kpis():
    form = forms.KpiUploadForm()
    if form.validate_on_submit():
        raw = form.file.data.read()
        report = kpis.check_kpi_csv(raw)
        upload = None
        if report.ok:
            upload = kpis.stage_kpi_upload(raw, form.file.data.filename or "", len(report.rows),
                                           actor=current_user)  # fmt: skip
            db.session.commit()
        return render_template("standards/kpi_preview.html", report=report, upload=upload,
                               confirm=forms.ConfirmForm())  # fmt: skip
    metrics = definitions.metrics_of(definitions.cached_current_version())
    return render_template("standards/kpi_import.html", form=form, columns=kpis.COLUMNS,
                           metrics=metrics.values())  # fmt: skip


@bp.route("/kpis/import/<token>", methods=["POST"])
@allow("hr", "admin")
def confirm_kpis(token: str):
    if not forms.ConfirmForm().validate_on_submit():
        abort(400)
    report = kpis.apply_kpi_upload(token, actor=current_user)
    if report is None:
        abort(404)
    if not report.ok:  # people or metrics changed since the preview
        db.session.rollback()
        return render_template("standards/kpi_preview.html", report=report, upload=None,
                               confirm=None), 409  # fmt: skip
    db.session.commit()
    flash(_("KPI figures imported: %(added)d added, %(replaced)d replaced.",
            added=report.added, replaced=report.replaced), "success")  # fmt: skip
    return redirect(url_for(".import_kpis"))
