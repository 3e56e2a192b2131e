from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app import clock
from app.access import allow
from app.extensions import db
from app.people import services
from app.people.forms import (
    ConfirmForm,
    ConfirmImportForm,
    DepartmentForm,
    ImportForm,
    PersonForm,
    TeamForm,
)
from app.people.importer import COLUMNS, REQUIRED_COLUMNS
from app.people.models import Department, Role, Team, User

bp = Blueprint("people", __name__, url_prefix="/admin")


def _team_choices():
    teams = db.session.scalars(select(Team).order_by(Team.code))
    return [(0, _("No team"))] + [(t.id, t.name_en + " / " + t.name_ar) for t in teams]


@bp.route("/people")
@allow("admin")
def list_people():
    flt = services.PeopleFilter(
        q=request.args.get("q", "")[:100],
        role=request.args.get("role", ""),
        department_id=request.args.get("department", type=int),
        team_id=request.args.get("team", type=int),
        status=request.args.get("status", "active"),
    )
    page = services.search_people(flt, page=request.args.get("page", type=int) or 1)
    departments = db.session.scalars(select(Department).order_by(Department.code)).all()
    teams = db.session.scalars(select(Team).order_by(Team.code)).all()
    return render_template(
        "people/list.html", page=page, flt=flt, departments=departments, teams=teams,
        form=ConfirmForm(),
    )  # fmt: skip


def _person_values(form: PersonForm) -> dict:
    return {
        "employee_no": form.employee_no.data.strip(),
        "email": form.email.data,
        "name_ar": (form.name_ar.data or "").strip(),
        "name_en": (form.name_en.data or "").strip(),
        "role": form.role.data,
        "team_id": form.team_id.data or None,
        "hire_date": form.hire_date.data,
        "locale": form.locale.data,
    }


def _save_person(form: PersonForm, user: User | None):
    try:
        if user is None:
            invite = bool(form.invite.data) and services.can_invite()
            user = services.create_person(_person_values(form), actor=current_user, invite=invite)
        else:
            services.update_person(user, _person_values(form), actor=current_user)
    except services.PeopleError as exc:
        db.session.rollback()
        getattr(form, exc.field).errors.append(exc.message)
        return None
    db.session.commit()
    return user


@bp.route("/people/new", methods=["GET", "POST"])
@allow("admin")
def new_person():
    form = PersonForm(locale=current_app.config["BABEL_DEFAULT_LOCALE"], invite=True)
    form.team_id.choices = _team_choices()
    if form.validate_on_submit() and (user := _save_person(form, None)):
        flash(_("%(name)s was added.", name=user.name(current_user.locale)), "success")
        if user.invited_at:
            flash(_("An invitation is on its way to %(email)s.", email=user.email), "success")
        return redirect(url_for("people.edit_person", user_id=user.id))
    return render_template(
        "people/form.html", form=form, user=None, can_invite=services.can_invite()
    )


@bp.route("/people/<int:user_id>", methods=["GET", "POST"])
@allow("admin")
def edit_person(user_id: int):
    user = db.get_or_404(User, user_id)
    form = PersonForm(obj=user)
    form.team_id.choices = _team_choices()
    if request.method == "GET":
        form.team_id.data = user.team_id or 0
    if form.validate_on_submit() and _save_person(form, user):
        flash(_("Saved."), "success")
        return redirect(url_for("people.edit_person", user_id=user.id))
    return render_template(
        "people/form.html", form=form, user=user, action_form=ConfirmForm(),
        can_invite=services.can_invite(), now=clock.now(),
    )  # fmt: skip


@bp.route("/people/<int:user_id>/active", methods=["POST"])
@allow("admin")
def set_active(user_id: int):
    user = db.get_or_404(User, user_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    active = request.form.get("active") == "1"
    try:
        services.set_active(user, active, actor=current_user)
    except services.PeopleError as exc:
        flash(str(exc.message), "danger")
        return redirect(url_for("people.edit_person", user_id=user.id))
    db.session.commit()
    flash(_("Reactivated.") if active else _("Deactivated."), "success")
    return redirect(url_for("people.edit_person", user_id=user.id))


@bp.route("/people/<int:user_id>/invite", methods=["POST"])
@allow("admin")
def invite(user_id: int):
    """Send the invitation (again): a new link, the earlier one stops working."""
    user = db.get_or_404(User, user_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        services.invite_person(user, actor=current_user)
    except services.PeopleError as exc:
        db.session.rollback()
        flash(str(exc.message), "danger")
    else:
        db.session.commit()
        flash(_("An invitation is on its way to %(email)s.", email=user.email), "success")
    return redirect(url_for("people.edit_person", user_id=user.id))


@bp.route("/teams", methods=["GET", "POST"])
@allow("admin")
def teams():
    return _named_page(Team, TeamForm, services.save_team, "people/teams.html", "people.teams")


@bp.route("/teams/<int:item_id>", methods=["GET", "POST"])
@allow("admin")
def edit_team(item_id: int):
    item = db.get_or_404(Team, item_id)
    return _named_page(
        Team, TeamForm, services.save_team, "people/teams.html", "people.teams", item
    )


@bp.route("/departments", methods=["GET", "POST"])
@allow("admin")
def departments():
    return _named_page(
        Department, DepartmentForm, services.save_department, "people/departments.html",
        "people.departments",
    )  # fmt: skip


@bp.route("/departments/<int:item_id>", methods=["GET", "POST"])
@allow("admin")
def edit_department(item_id: int):
    item = db.get_or_404(Department, item_id)
    return _named_page(
        Department, DepartmentForm, services.save_department, "people/departments.html",
        "people.departments", item,
    )  # fmt: skip


def _named_page(model, form_class, save, template, endpoint, item=None):
    """List, create and edit of departments and teams, which share their shape."""
    form = form_class(obj=item)
    _fill_choices(form)
    if form.validate_on_submit():
        values = {k: v for k, v in form.data.items() if k not in ("submit", "csrf_token")}
        if "manager_id" in values:
            values["manager_id"] = values["manager_id"] or None
        try:
            save(item, values, actor=current_user)
        except services.PeopleError as exc:
            db.session.rollback()
            getattr(form, exc.field).errors.append(exc.message)
        else:
            db.session.commit()
            flash(_("Saved."), "success")
            return redirect(url_for(endpoint))
    items = db.session.scalars(select(model).order_by(model.code)).all()
    return render_template(template, form=form, items=items, item=item)


def _fill_choices(form) -> None:
    if hasattr(form, "department_id"):
        departments = db.session.scalars(select(Department).order_by(Department.code))
        form.department_id.choices = [(d.id, f"{d.name_en} / {d.name_ar}") for d in departments]
    if hasattr(form, "manager_id"):
        managers = db.session.scalars(
            select(User).where(User.role == Role.MANAGER, User.active).order_by(User.name_en)
        )
        form.manager_id.choices = [(0, _("No manager"))] + [
            (m.id, f"{m.name_en} / {m.name_ar}") for m in managers
        ]


@bp.route("/people/import", methods=["GET", "POST"])
@allow("admin")
def import_people():
    form = ImportForm()
    if form.validate_on_submit():
        raw = form.file.data.read()
        _, report = services.check_people_csv(raw, current_app.config["BABEL_DEFAULT_LOCALE"])
        pending = None
        if report.ok:
            pending = services.stage_import(raw, form.file.data.filename or "", actor=current_user)
            db.session.commit()
        return render_template(
            "people/import_preview.html", report=report, pending=pending,
            confirm=ConfirmImportForm(), can_invite=services.can_invite(),
        )  # fmt: skip
    return render_template(
        "people/import.html", form=form, columns=COLUMNS, required=REQUIRED_COLUMNS
    )


@bp.route("/people/import/<token>", methods=["POST"])
@allow("admin")
def confirm_import(token: str):
    form = ConfirmImportForm()
    if not form.validate_on_submit():
        abort(400)
    default_locale = current_app.config["BABEL_DEFAULT_LOCALE"]
    try:
        report = services.apply_staged_import(
            token, actor=current_user, default_locale=default_locale, invite=form.invite.data
        )
    except services.PeopleError as exc:
        db.session.rollback()
        flash(str(exc.message), "danger")
        return redirect(url_for("people.import_people"))
    if report is None:
        abort(404)
    if not report.ok:  # the database changed since the preview
        db.session.rollback()
        return render_template("people/import_preview.html", report=report, pending=None), 409
    db.session.commit()
    flash(
        _("Imported: %(created)d added, %(updated)d updated, %(same)d unchanged.",
          created=len(report.created), updated=len(report.updated), same=report.unchanged),
        "success",
    )  # fmt: skip
    if report.invited:
        flash(_("Invitations queued for new people: %(n)s.", n=len(report.invited)), "success")
    return redirect(url_for("people.list_people"))
