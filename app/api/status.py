"""Certification and standards status through the API: per person, and for everyone with the
HR report's filters (department, team, manager, status), a page at a time."""

from __future__ import annotations

from sqlalchemy import Select, func, select
from sqlalchemy.orm import joinedload

from app import clock
from app.api import schemas
from app.api.errors import invalid
from app.api.models import ApiToken
from app.certification import report
from app.extensions import db
from app.people.models import Department, Role, Team, User
from app.standards import services as standards
from app.standards.models import ComplianceStatus


def placement_ids(query: schemas.Placement) -> dict:
    """The department, team and manager codes of a query as the report filter's ids."""
    ids = {}
    if query.department:
        ids["department_id"] = _id_or_problem(
            select(Department.id).where(Department.code == query.department), "department"
        )
    if query.team:
        ids["team_id"] = _id_or_problem(select(Team.id).where(Team.code == query.team), "team")
    if query.manager:
        managers = select(User.id).where(User.employee_no == query.manager,
                                         User.role == Role.MANAGER)  # fmt: skip
        ids["manager_id"] = _id_or_problem(managers, "manager")
    return ids


def _id_or_problem(query: Select, field: str) -> int:
    found = db.session.scalar(query)
    if found is None:
        raise invalid(field, "not found")
    return found


def _version() -> str | None:
    version = standards.current_version()
    return version.version if version else None


# --- certification ----------------------------------------------------------------------------


def certification_page(query: schemas.CertificationQuery, token: ApiToken):
    flt = report.ReportFilter(**placement_ids(query), certification_id=query.certification or "",
                              status=query.status or "")  # fmt: skip
    today, version, viewer = clock.today(), _version(), token.created_by
    totals = report.totals(viewer, flt, today, version)
    total = totals[flt.status] if flt.status else sum(totals.values())
    records = report.page_of_records(viewer, flt, today, "en", version, query.page, query.per_page,
                                     totals)  # fmt: skip
    return schemas.CertificationPage(
        items=[_certification(r) for r in records], page=query.page, per_page=query.per_page,
        total=total,
    )  # fmt: skip


def person_certifications(user: User, token: ApiToken) -> schemas.PersonCertifications:
    """Every active certification for one agent (none for other roles or inactive people)."""
    flt = report.ReportFilter(user_id=user.id, sort="certification")
    records = report.page_of_records(token.created_by, flt, clock.today(), "en", _version(), 1,
                                     per_page=1000)  # fmt: skip
    return schemas.PersonCertifications(
        employee_no=user.employee_no, items=[_certification(r) for r in records]
    )


def _certification(r) -> schemas.CertificationOut:
    percent = 100 if r.certificate_id is not None else (r.percent or 0)
    return schemas.CertificationOut(
        employee_no=r.employee_no, name_ar=r.name_ar or "", name_en=r.name_en or "",
        department=r.department_code, team=r.team_code, manager=r.manager_employee_no,
        certification=r.certification_id, status=r.status, percent=percent,
        certificate_code=r.code, valid_from=r.valid_from, expires_on=r.expires_on,
        standards_version=r.standards_version,
    )  # fmt: skip


# --- standards --------------------------------------------------------------------------------


def standards_page(query: schemas.StandardsQuery, token: ApiToken) -> schemas.StandardsPage:
    """Active agents with their status on each current standard (or on the one asked for)."""
    version = standards.current_version()
    ids = [s["id"] for s in standards.standards_of(version)]
    if query.standard and query.standard not in ids:
        raise invalid("standard", f"not a standard of the current version: {query.standard}")
    chosen = [query.standard] if query.standard else ids
    agents = _agents(placement_ids(query))
    if query.status:
        having = select(ComplianceStatus.user_id).where(
            ComplianceStatus.status == query.status, ComplianceStatus.standard_id.in_(chosen)
        )
        agents = agents.where(User.id.in_(having))
    total = db.session.scalar(select(func.count()).select_from(agents.subquery()))
    page = list(db.session.scalars(
        agents.options(joinedload(User.team).joinedload(Team.manager),
                       joinedload(User.department))
        .order_by(User.employee_no, User.id)
        .offset((query.page - 1) * query.per_page).limit(query.per_page)
    ))  # fmt: skip
    stored = standards.stored_statuses([user.id for user in page])
    items = [_standing(user, chosen, stored, version) for user in page]
    return schemas.StandardsPage(
        items=items, page=query.page, per_page=query.per_page, total=total or 0
    )


def person_standards(user: User) -> schemas.PersonStandards:
    version = standards.current_version()
    ids = [s["id"] for s in standards.standards_of(version)]
    return _standing(user, ids, standards.stored_statuses([user.id]), version)


def _agents(ids: dict) -> Select:
    query = (
        select(User)
        .outerjoin(Team, Team.id == User.team_id)
        .where(User.role == Role.AGENT, User.active)
    )
    if ids.get("department_id"):
        query = query.where(User.department_id == ids["department_id"])
    if ids.get("team_id"):
        query = query.where(User.team_id == ids["team_id"])
    if ids.get("manager_id"):
        query = query.where(Team.manager_id == ids["manager_id"])
    return query


def _standing(user: User, standard_ids, stored, version) -> schemas.PersonStandards:
    rows = []
    for standard_id in standard_ids:
        row = stored.get((user.id, standard_id))
        rows.append(schemas.StandardStatusOut(
            standard=standard_id, status=row.status if row else None,
            score=row.score if row else None, evidence_count=row.evidence_count if row else 0,
            since=row.since if row else None, computed_on=row.computed_on if row else None,
        ))  # fmt: skip
    team = user.team
    return schemas.PersonStandards(
        employee_no=user.employee_no, name_ar=user.name_ar, name_en=user.name_en,
        department=user.department.code if user.department else None,
        team=team.code if team else None,
        manager=team.manager.employee_no if team and team.manager else None,
        standards_version=version.version if version else None, standards=rows,
    )  # fmt: skip
