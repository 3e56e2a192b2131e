from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app.access import allow
from app.assignments import reminders as _reminders  # noqa: F401  (registers the daily steps)
from app.assignments import services
from app.assignments.forms import AssignForm, DueDateForm
from app.courses.models import Course
from app.extensions import db
from app.people.forms import ConfirmForm
from app.text import N_plural, translate

bp = Blueprint("assignments", __name__, url_prefix="/assignments")

ASSIGNERS = ("manager", "hr", "admin")


def _fill_choices(form: AssignForm, lang: str, sent: bool = False) -> None:
    """What the form offers. A form sent is checked against what it chose only (the service
    checks again that the actor may assign to them); the page shown lists everything."""
    courses = db.session.scalars(
        select(Course).where(Course.active).order_by(Course.tier, Course.position)
    )
    form.course_ids.choices = [(c.id, c.title_in(lang)) for c in courses]
    chosen = {name: _ids(request.form.getlist(name)) if sent else None
              for name in ("user_ids", "team_ids")}  # fmt: skip
    agents = _rows(services.assignable_agent_rows, chosen["user_ids"])
    form.user_ids.choices = [(a.id, f"{_name(a, lang)} ({a.employee_no})") for a in agents]
    teams = _rows(services.assignable_team_rows, chosen["team_ids"])
    form.team_ids.choices = [(t.id, t.name_ar if lang == "ar" else t.name_en) for t in teams]


def _rows(query, among: list[int] | None) -> list:
    """The rows the query gives the reader, of `among` only when given (none: no query)."""
    return [] if among == [] else list(db.session.execute(query(current_user, among)))


def _name(person, lang: str) -> str:
    """A person's name in the reader's language, else the other (as User.name)."""
    first, second = (person.name_ar, person.name_en) if lang == "ar" else (
        person.name_en, person.name_ar)  # fmt: skip
    return first or second


def _ids(values: list[str]) -> list[int]:
    return [int(value) for value in values if value.isdigit()]


@bp.route("/new", methods=["GET", "POST"])
@allow(*ASSIGNERS)
def new_assignment():
    form = AssignForm()
    lang = current_user.locale
    sent = form.is_submitted()
    if sent:
        _fill_choices(form, lang, sent=True)
    gaps = []
    if form.validate_on_submit():
        choice = request.form.get("prerequisites")  # "with" or "without", once warned
        try:
            if choice not in ("with", "without"):
                gaps = services.prerequisite_gaps(current_user, form.course_ids.data,
                                                  **_targets(form))  # fmt: skip
            if not gaps:
                return _assign(form, with_prerequisites=choice == "with")
        except services.AssignmentError as exc:
            getattr(form, exc.field).errors.append(exc.message)
    _fill_choices(form, lang)
    return render_template("assignments/new.html", form=form, gaps=gaps)


def _targets(form: AssignForm) -> dict:
    return {"user_ids": form.user_ids.data or [], "team_ids": form.team_ids.data or []}


def _assign(form: AssignForm, with_prerequisites: bool):
    result = services.assign_courses(
        current_user, form.course_ids.data, **_targets(form), due_date=form.due_date.data,
        note=form.note.data or "", with_prerequisites=with_prerequisites,
    )  # fmt: skip
    # The message is made before the commit: afterwards the reader's language would be read
    # again in a second transaction (on SQLite a second wait for the write lock).
    message = assigned_message(len(result.created), result.already_open)
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("assignments.list_assignments"))


def assigned_message(made: int, already_open: int) -> str:
    """How many assignments were made and, when some were open already, how many of those:
    each number with its noun in the plural form of the reader's language."""
    message = translate(N_plural("%(num)s assignment made.", "%(num)s assignments made."),
                        {"num": made})  # fmt: skip
    if already_open:
        open_before = N_plural("%(num)s assignment was already open.",
                               "%(num)s assignments were already open.")  # fmt: skip
        message += " " + translate(open_before, {"num": already_open})
    return message


@bp.route("")
@allow(*ASSIGNERS)
def list_assignments():
    state = request.args.get("state", "open")
    flt = services.AssignmentFilter(
        state=state if state in ("open", "overdue", "completed", "cancelled", "all") else "open",
        team_id=request.args.get("team", type=int), course_id=request.args.get("course", "")[:80],
    )  # fmt: skip
    page = services.search_assignments(
        current_user, flt, page=request.args.get("page", type=int) or 1
    )
    return render_template(
        "assignments/list.html", page=page, flt=flt, states=services.assignment_states(page.items),
        teams=services.assignable_teams(current_user), confirm=ConfirmForm(), due_form=DueDateForm(),
    )  # fmt: skip


@bp.route("/<int:assignment_id>/cancel", methods=["POST"])
@allow(*ASSIGNERS)
def cancel(assignment_id: int):
    assignment = services.get_manageable_assignment(current_user, assignment_id)
    if assignment is None:
        abort(404)
    if ConfirmForm().validate_on_submit():
        _apply(services.cancel_assignment, assignment, _("Assignment cancelled."))
    return redirect(url_for("assignments.list_assignments"))


@bp.route("/<int:assignment_id>/due-date", methods=["POST"])
@allow(*ASSIGNERS)
def change_due(assignment_id: int):
    assignment = services.get_manageable_assignment(current_user, assignment_id)
    if assignment is None:
        abort(404)
    form = DueDateForm()
    if form.validate_on_submit():
        _apply(services.change_due_date, assignment, _("Due date changed."), form.due_date.data)
    else:
        flash(_("Give a valid due date."), "danger")
    return redirect(url_for("assignments.list_assignments"))


def _apply(operation, assignment, done_message, *args) -> None:
    try:
        operation(current_user, assignment, *args)
    except services.AssignmentError as exc:
        db.session.rollback()
        flash(exc.message, "danger")
        return
    db.session.commit()
    flash(done_message, "success")
