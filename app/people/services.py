"""People operations: create, edit, deactivate, import; and who may see whom."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, bindparam, func, literal, or_, select, union_all
from sqlalchemy.orm import aliased, joinedload

from app import events, uploads
from app.audit import services as audit
from app.database import read_rows
from app.extensions import db
from app.models_base import utcnow
from app.people import importer
from app.people.models import Department, NamedPerson, PendingImport, Role, Team, User

PERSON_FIELDS = (
    "employee_no", "email", "name_ar", "name_en", "role", "department_id", "team_id",
    "hire_date", "locale", "active",
)  # fmt: skip


class PeopleError(ValueError):
    """A domain error tied to a form field."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


def snapshot(user: User) -> dict:
    return {name: getattr(user, name) for name in PERSON_FIELDS}


def _check_unique(user_id: int | None, employee_no: str, email: str) -> None:
    clash = db.session.scalars(
        select(User).where(
            or_(User.employee_no == employee_no, func.lower(User.email) == email.lower())
        )
    ).all()
    for other in clash:
        if other.id == user_id:
            continue
        if other.employee_no == employee_no:
            raise PeopleError("employee_no", _l("another person has this employee number"))
        raise PeopleError("email", _l("another person has this email"))


def _apply_team(values: dict) -> dict:
    """A person in a team belongs to the team's department."""
    if values.get("team_id"):
        team = db.session.get(Team, values["team_id"])
        if team is None:
            raise PeopleError("team_id", _l("no such team"))
        values["department_id"] = team.department_id
    return values


def create_person(values: dict, *, actor: User | None, invite: bool = False) -> User:
    """Create a person and record it. They have no password yet: with `invite`, an e-mail
    asks them to choose one; otherwise an admin sets a temporary one."""
    values = _apply_team(dict(values))
    values["email"] = values["email"].strip().lower()
    _check_unique(None, values["employee_no"], values["email"])
    user = User(**values)
    db.session.add(user)
    db.session.flush()
    audit.record("person_created", "user", user.id, actor=actor, after=snapshot(user))
    _after_person_saved(user)
    if invite and user.active:
        invite_person(user, actor=actor)
    return user


def invite_person(user: User, *, actor: User | None) -> None:
    """Send (or send again) the e-mail inviting a person to choose a password."""
    try:
        events.invitation_requested.send(user, actor=actor)
    except ValueError as exc:  # the account capability's refusal, with its message
        raise PeopleError("invite", getattr(exc, "message", str(exc))) from None


def can_invite() -> bool:
    """Invitations go by e-mail: only when mail is set up (MAIL_SERVER, as notifications
    send it)."""
    return bool(current_app.config.get("MAIL_SERVER"))


def update_person(user: User, values: dict, *, actor: User | None) -> bool:
    """Apply changes; returns whether anything changed. Role changes are audited like the rest."""
    values = _apply_team(dict(values))
    if "email" in values:
        values["email"] = values["email"].strip().lower()
    _check_unique(
        user.id, values.get("employee_no", user.employee_no), values.get("email", user.email)
    )
    before = snapshot(user)
    for name, value in values.items():
        setattr(user, name, value)
    old, new = audit.changed_fields(before, snapshot(user))
    if not new:
        return False
    action = "role_changed" if "role" in new else "person_updated"
    audit.record(action, "user", user.id, actor=actor, before=old, after=new)
    _after_person_saved(user)
    return True


def set_active(user: User, active: bool, *, actor: User) -> None:
    """Deactivate or reactivate; people are never deleted, their history stays."""
    if user.id == actor.id and not active:
        raise PeopleError("active", _l("you cannot deactivate yourself"))
    if user.active == active:
        return
    user.active = active
    user.session_version += 1
    audit.record(
        "person_activated" if active else "person_deactivated", "user", user.id, actor=actor
    )


def _after_person_saved(user: User) -> None:
    """Tell the capabilities that care (e.g. onboarding) that a person was created or changed."""
    events.person_saved.send(user)


# --- who may see whom -------------------------------------------------------------------------


def managed_team_ids(manager: User) -> list[int]:
    return list(db.session.scalars(select(Team.id).where(Team.manager_id == manager.id)))


def visible_people_query(viewer: User) -> Select:
    """People the viewer may see: everyone for hr/admin, own teams for managers, self for agents."""
    query = select(User)
    if viewer.role in (Role.HR, Role.ADMIN):
        return query
    if viewer.role == Role.MANAGER:
        # As ids: with `team in their teams OR self` a database reads every person instead of
        # the few on the manager's teams (35 ms against 1 ms at 100,000 people on PostgreSQL).
        member = aliased(User)
        teams = select(Team.id).where(Team.manager_id == viewer.id)
        ids = union_all(
            select(member.id).where(member.team_id.in_(teams)), select(literal(viewer.id))
        )
        return query.where(User.id.in_(ids))
    return query.where(User.id == viewer.id)


def agents_led_by(manager: User) -> list[NamedPerson]:
    """The active agents of the teams the manager leads, by English name, as lists show them:
    the people visible_people_query gives a manager, in one statement built once."""
    rows = read_rows(db.session, _agents_led_by(), {"manager_id": manager.id})
    return [NamedPerson(*row) for row in rows]


@cache
def _agents_led_by():
    # Through the team index, as visible_people_query reads a manager's people.
    teams = select(Team.id).where(Team.manager_id == bindparam("manager_id"))
    return (
        select(User.id, User.name_ar, User.name_en)
        .where(User.team_id.in_(teams), User.role == Role.AGENT, User.active)
        .order_by(User.name_en, User.id)
    )


def get_visible_person(viewer: User, user_id: int) -> User | None:
    """The person if the viewer may see them, else None (callers answer 404)."""
    return db.session.scalar(visible_people_query(viewer).where(User.id == user_id))


@dataclass
class PeopleFilter:
    q: str = ""
    role: str = ""
    department_id: int | None = None
    team_id: int | None = None
    status: str = "active"  # active, inactive, invited (invitation not accepted yet) or all


def search_people(flt: PeopleFilter, page: int, per_page: int = 50):
    query = select(User).options(joinedload(User.team), joinedload(User.department))
    if flt.q:
        # ilike: case-insensitive on PostgreSQL too, where plain LIKE is not.
        like = f"%{flt.q.strip()}%"
        query = query.where(
            or_(
                User.name_en.ilike(like),
                User.name_ar.ilike(like),
                User.email.ilike(like),
                User.employee_no.ilike(like),
            )
        )
    if flt.role:
        query = query.where(User.role == flt.role)
    if flt.department_id:
        query = query.where(User.department_id == flt.department_id)
    if flt.team_id:
        query = query.where(User.team_id == flt.team_id)
    if flt.status in ("active", "inactive"):
        query = query.where(User.active.is_(flt.status == "active"))
    elif flt.status == "invited":
        query = query.where(
            User.active.is_(True), User.invited_at.is_not(None), User.password_hash.is_(None)
        )
    query = query.order_by(User.name_en, User.id)
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


# --- teams and departments --------------------------------------------------------------------


def save_department(dept: Department | None, values: dict, *, actor: User) -> Department:
    return _save_named(Department, dept, values, actor, "department")


def save_team(team: Team | None, values: dict, *, actor: User) -> Team:
    manager_id = values.get("manager_id")
    if manager_id:
        manager = db.session.get(User, manager_id)
        if manager is None or manager.role != Role.MANAGER:
            raise PeopleError("manager_id", _l("the team's manager must have the manager role"))
    return _save_named(Team, team, values, actor, "team")


def _save_named(model, obj, values: dict, actor: User, kind: str):
    clash = db.session.scalar(select(model).where(model.code == values["code"]))
    if clash is not None and clash is not obj:
        raise PeopleError("code", _l("this code is taken"))
    before = {k: getattr(obj, k) for k in values} if obj else {}
    if obj is None:
        obj = model(**values)
        db.session.add(obj)
    else:
        for name, value in values.items():
            setattr(obj, name, value)
    db.session.flush()
    old, new = audit.changed_fields(before, values)
    if new:
        audit.record(f"{kind}_saved", kind, obj.id, actor=actor, before=old or None, after=new)
    return obj


# --- CSV import -------------------------------------------------------------------------------


@dataclass
class ImportReport:
    errors: list[importer.RowError] = field(default_factory=list)
    created: list[str] = field(default_factory=list)
    invited: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    rows: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


def check_people_csv(raw: bytes, default_locale: str) -> tuple[importer.ParsedFile, ImportReport]:
    """Validate a CSV against the database without writing anything."""
    report = ImportReport()
    try:
        text = importer.decode(raw)
    except ValueError as exc:
        message = importer.N_("the file is not UTF-8 text (byte %(byte)s)")
        report.errors.append(importer.RowError(1, "-", message, {"byte": exc.args[0]}))
        return importer.ParsedFile(), report
    teams, departments = _placements()
    parsed = importer.parse_people_csv(text, teams, departments, default_locale)
    return parsed, _checked(parsed, report)


def check_people_records(
    records: list[dict[str, str]], default_locale: str
) -> tuple[importer.ParsedFile, ImportReport]:
    """Validate people given as mappings of CSV column to text (the JSON API) with the rules
    of the CSV import, without writing anything; errors name the record's index."""
    teams, departments = _placements()
    parsed = importer.parse_people_records(records, teams, departments, default_locale)
    return parsed, _checked(parsed, ImportReport())


def _placements() -> tuple[dict[str, str], set[str]]:
    """Team code -> department code, and the department codes."""
    teams = dict(db.session.execute(select(Team.code, Department.code).join(Team.department)).all())
    return teams, set(db.session.scalars(select(Department.code)))


def _checked(parsed: importer.ParsedFile, report: ImportReport) -> ImportReport:
    report.errors.extend(parsed.errors)
    report.rows = len(parsed.rows)
    _check_email_owners(parsed.rows, report)
    return report


def _check_email_owners(rows: list[importer.PersonRow], report: ImportReport) -> None:
    """An email may not move to a different employee number."""
    owners = dict(db.session.execute(select(func.lower(User.email), User.employee_no)).all())
    for row in rows:
        owner = owners.get(row.email)
        if owner is not None and owner != row.employee_no:
            message = importer.N_("already used by employee %(owner)s")
            report.errors.append(importer.RowError(row.row, "email", message, {"owner": owner}))


def import_people(
    raw: bytes, *, actor: User | None, default_locale: str, invite: bool = False
) -> ImportReport:
    """Upsert people by employee number; writes nothing unless every row is valid. With
    `invite`, each new active person is sent an invitation.

    The caller commits on success and rolls back otherwise.
    """
    if invite and not can_invite():
        raise PeopleError(
            "invite", _l("E-mail is not set up (MAIL_SERVER), so no invitation can be sent.")
        )
    parsed, report = check_people_csv(raw, default_locale)
    return _upsert(parsed, report, actor=actor, source="csv", invite=invite)


def import_people_records(
    records: list[dict[str, str]],
    *,
    actor: User | None,
    default_locale: str,
    source: str,
    invite: bool = False,
) -> ImportReport:
    """Upsert people given as mappings of CSV column to text, with the CSV import's rules and
    its all-or-nothing behaviour; with `invite`, each new active person is sent an invitation.
    The caller commits on success and rolls back otherwise."""
    if invite and not can_invite():
        raise PeopleError(
            "invite", _l("E-mail is not set up (MAIL_SERVER), so no invitation can be sent.")
        )
    parsed, report = check_people_records(records, default_locale)
    return _upsert(parsed, report, actor=actor, source=source, invite=invite)


def _upsert(
    parsed, report: ImportReport, *, actor: User | None, source: str, invite: bool = False
) -> ImportReport:
    if not report.ok:
        return report
    existing = {u.employee_no: u for u in db.session.scalars(select(User))}
    team_ids = dict(db.session.execute(select(Team.code, Team.id)).all())
    department_ids = dict(db.session.execute(select(Department.code, Department.id)).all())
    for row in parsed.rows:
        values = _row_values(row, team_ids, department_ids)
        user = existing.get(row.employee_no)
        if user is None:
            create_person(values, actor=actor, invite=invite and row.active)
            report.created.append(row.employee_no)
            if invite and row.active:
                report.invited.append(row.employee_no)
        elif update_person(user, values, actor=actor):
            report.updated.append(row.employee_no)
        else:
            report.unchanged += 1
    audit.record(
        "people_imported", "import", source, actor=actor,
        after={"created": len(report.created), "updated": len(report.updated),
               "invited": len(report.invited)},
    )  # fmt: skip
    return report


def _row_values(row: importer.PersonRow, team_ids: dict, department_ids: dict) -> dict:
    return {
        "employee_no": row.employee_no,
        "email": row.email,
        "name_ar": row.name_ar,
        "name_en": row.name_en,
        "role": row.role,
        "hire_date": row.hire_date,
        "locale": row.locale,
        "active": row.active,
        "team_id": team_ids.get(row.team) if row.team else None,
        "department_id": department_ids.get(row.department) if row.department else None,
    }


def stage_import(raw: bytes, filename: str, *, actor: User) -> PendingImport:
    """Keep an uploaded file until the admin confirms it (the preview is read from it)."""
    return uploads.stage_upload(PendingImport, raw, filename, actor=actor)


def apply_staged_import(
    token: str, *, actor: User, default_locale: str, invite: bool = False
) -> ImportReport | None:
    """Import a staged file once; None when the token is unknown, used, or someone else's."""
    pending = uploads.open_upload(PendingImport, token, actor=actor)
    if pending is None:
        return None
    report = import_people(
        pending.content, actor=actor, default_locale=default_locale, invite=invite
    )
    if report.ok:
        pending.applied_at = utcnow()
    return report
