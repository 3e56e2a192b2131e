"""The certification status report: every active agent x every active certification.

One SQL query builds the cells (status worked out in SQL from the agent's standing and latest
certificate), so the page, the totals and the exports all read the same rows; the page costs a
fixed number of queries whatever the number of agents, and exports stream.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, fields, replace
from datetime import date, timedelta
from operator import itemgetter
from typing import NamedTuple

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    Date,
    Select,
    String,
    and_,
    bindparam,
    case,
    cast,
    func,
    literal,
    select,
    true,
    union_all,
)
from sqlalchemy.orm import aliased

from app.certification import counts
from app.certification.models import Certificate, Certification, CertificationStanding
from app.certification.report_filters import (  # noqa: F401  (the report's filters, offered here)
    LIST_LIMIT,
    Choice,
    FilterOptions,
    filter_options,
    typed_codes,
    with_typed_choices,
)
from app.certification.services import EXPIRING_DAYS
from app.database import read_rows
from app.extensions import db
from app.models_base import localized
from app.people.models import Department, Role, Team, User

STATUSES = ("certified", "expiring", "expired", "revoked", "in_progress", "not_started")
HELD = ("certified", "expiring", "expired", "revoked")  # the statuses of a cell with a certificate
SORTS = ("name", "department", "team", "certification", "status", "until", "percent")
PER_PAGE = 50
Manager = aliased(User, name="manager")


@dataclass
class ReportFilter:
    department_id: int | None = None
    team_id: int | None = None
    manager_id: int | None = None
    certification_id: str = ""
    status: str = ""
    user_id: int | None = None  # one person's cells (the API's per-person status)
    older_version: bool = False  # only certificates earned under an older standards version
    # only the cells with a certificate (True) or without (False): a part of the report sorted
    # by the certificates' end dates (page_of_records)
    held: bool | None = None
    # only the cells at this progress (progress_expression): a part of the report sorted by
    # progress (page_of_records)
    percent: int | None = None
    sort: str = "name"
    descending: bool = False

    def args(self) -> dict:
        """The filter as URL arguments (for sort links, pages and exports)."""
        values = {name: getattr(self, name) for name in _FILTER_FIELDS}
        return {k: v for k, v in values.items() if v not in (None, "", False)}

    def sort_args(self, key: str) -> dict:
        """Arguments that sort by key; the current sort key again reverses the order."""
        values = {**self.args(), "sort": key}
        values.pop("descending", None)
        if key == self.sort and not self.descending:
            values["descending"] = 1
        return values


# the filter's field names, read once (dataclasses.fields is read several times a page)
_FILTER_FIELDS = tuple(f.name for f in fields(ReportFilter))


class ReportRow(NamedTuple):
    """A cell of the report as the exports write it, in the reader's language."""

    user_id: int
    employee_no: str
    name: str
    department: str
    team: str
    manager: str
    certification: str
    status: str
    percent: int
    certificate_id: int | None
    code: str | None
    valid_from: date | None
    expires_on: date | None
    standards_version: str | None


# The report's statements are built once per shape (which filters are set, the sort, the
# language) and run with the values as parameters: building one costs more than running it.
TODAY = bindparam("today", type_=Date)
SOON = bindparam("soon", type_=Date)
_STATEMENTS: dict[tuple, Select] = {}


def status_expression(today=TODAY):
    """The cell's status in SQL; `today` a date, or by default the `today` parameter (with
    `soon`, see _params)."""
    soon = today + timedelta(days=EXPIRING_DAYS) if isinstance(today, date) else SOON
    percent = func.coalesce(CertificationStanding.percent, 0)
    return case(
        (and_(Certificate.id.is_(None), percent > 0), "in_progress"),
        (Certificate.id.is_(None), "not_started"),
        (Certificate.revoked_at.is_not(None), "revoked"),
        (Certificate.expires_on < today, "expired"),
        (Certificate.expires_on <= soon, "expiring"),
        else_="certified",
    )


def progress_expression():
    """A cell's progress as the report shows it: 100 with a certificate, else the standing's
    percent (0 without a standing)."""
    return case((Certificate.id.is_not(None), 100),
                else_=func.coalesce(CertificationStanding.percent, 0))  # fmt: skip


def _shape(viewer: User, flt: ReportFilter, current_version: str | None) -> tuple:
    """What decides the statement's text; the values go in as parameters (_params)."""
    return (viewer.role in (Role.HR, Role.ADMIN), bool(flt.department_id), bool(flt.team_id),
            bool(flt.manager_id), bool(flt.certification_id), bool(flt.user_id),
            flt.older_version, bool(current_version), flt.held,
            _percent_shape(flt))  # fmt: skip


def _percent_shape(flt: ReportFilter) -> str:
    """How a part of one progress is selected: without a certificate, by the standing's own
    percent (an index finds a rare percent; the value is written into the statement, so that
    each percent gets a plan of its own), else by the progress shown."""
    if flt.percent is None:
        return ""
    if flt.status == "in_progress":
        return "standing, in progress"  # which the standing's percent says: no status filter
    return "standing" if 0 < flt.percent < 100 else "shown"


def _params(viewer: User, flt: ReportFilter, today: date, current_version: str | None) -> dict:
    return {
        "today": today, "soon": today + timedelta(days=EXPIRING_DAYS), "viewer_id": viewer.id,
        "department_id": flt.department_id, "team_id": flt.team_id,
        "manager_id": flt.manager_id, "certification_id": flt.certification_id,
        "user_id": flt.user_id, "current_version": current_version, "status": flt.status,
        "percent": flt.percent,
    }  # fmt: skip


def _statement(kind: str, viewer: User, flt: ReportFilter, current_version, locale="") -> Select:
    """The statement of `kind` ("totals", "rows", "page") for this shape, built on first use."""
    with_status = kind in ("rows", "page") and flt.status in STATUSES
    key = (kind, *_shape(viewer, flt, current_version), with_status, flt.sort, flt.descending,
           locale)  # fmt: skip
    statement = _STATEMENTS.get(key)
    if statement is None:
        if kind == "totals":
            statement = _totals(viewer, flt, current_version)
        else:
            statement = _ordered(_with_status(_cells(viewer, flt, current_version), flt),
                                 flt, locale)  # fmt: skip
            if kind == "page":
                statement = statement.offset(bindparam("offset")).limit(bindparam("limit"))
        _STATEMENTS[key] = statement
    return statement


def _counted_whole(viewer: User, flt: ReportFilter) -> bool:
    """Whether the totals are those of every agent, which the kept counts answer (by
    certification and standards version); filters on people count the standings."""
    people = (flt.department_id, flt.team_id, flt.manager_id, flt.user_id)
    return viewer.role in (Role.HR, Role.ADMIN) and not any(people)


CELLS = "cells"  # the totals' row that counts every cell, standing or not


def _totals(viewer: User, flt: ReportFilter, current_version) -> Select:
    """Standings per status, then (unless only cells with a certificate are asked for) a row
    CELLS counting every cell: one statement, read with totals()."""
    if _counted_whole(viewer, flt):
        by_status = counts.totals_statement(bool(flt.certification_id), flt.older_version,
                                            bool(current_version))  # fmt: skip
        cells = counts.cells_statement(bool(flt.certification_id))
    else:
        by_status = _standings_by_status(viewer, flt, current_version)
        agents = select(func.count(User.id)).where(*_agents(viewer, flt))
        certifications = select(func.count(Certification.id)).where(*_certifications(flt))
        cells = select(agents.scalar_subquery() * certifications.scalar_subquery())
    if flt.older_version:
        return by_status
    return union_all(by_status, select(literal(CELLS), cells.scalar_subquery()))


def _cells(viewer: User, flt: ReportFilter, current_version: str | None) -> Select:
    """The filtered cells without the status filter, as a subquery-able select; values are
    the parameters of _params."""
    status = status_expression().label("status")
    query = (
        select(
            User.id.label("user_id"),
            User.employee_no,
            User.name_ar,
            User.name_en,
            Department.code.label("department_code"),
            Team.code.label("team_code"),
            Manager.employee_no.label("manager_employee_no"),
            Department.name_ar.label("department_ar"),
            Department.name_en.label("department_en"),
            Team.name_ar.label("team_ar"),
            Team.name_en.label("team_en"),
            Manager.name_ar.label("manager_ar"),
            Manager.name_en.label("manager_en"),
            Certification.id.label("certification_id"),
            # as its JSON text: decoded once per certification by to_rows, not once per row
            cast(Certification.title, String).label("title"),
            Certification.position,
            CertificationStanding.percent,
            Certificate.id.label("certificate_id"),
            Certificate.code,
            Certificate.valid_from,
            Certificate.expires_on,
            Certificate.standards_version,
            status,
        )  # fmt: skip
        .select_from(User)
        .join(Certification, true())
        .outerjoin(Team, Team.id == User.team_id)
        .outerjoin(Department, Department.id == User.department_id)
        .outerjoin(Manager, Manager.id == Team.manager_id)
        .outerjoin(
            CertificationStanding,
            and_(
                CertificationStanding.user_id == User.id,
                CertificationStanding.certification_id == Certification.id,
            ),
        )  # fmt: skip
        .outerjoin(Certificate, Certificate.id == CertificationStanding.certificate_id)
        .where(*_agents(viewer, flt), *_certifications(flt))
        .where(*_certificates(flt, current_version))
    )
    return query


def _agents(viewer: User, flt: ReportFilter) -> list:
    """Which agents the report shows: HR and admins see everyone, a manager the agents of the
    teams they lead; then the filters on people (values are parameters, see _params)."""
    found = [User.role == Role.AGENT, User.active]
    if viewer.role not in (Role.HR, Role.ADMIN):
        managed = select(Team.id).where(Team.manager_id == bindparam("viewer_id"))
        found.append(User.team_id.in_(managed))
    if flt.department_id:
        found.append(User.department_id == bindparam("department_id"))
    if flt.team_id:
        found.append(User.team_id == bindparam("team_id"))
    if flt.manager_id:
        led = select(Team.id).where(Team.manager_id == bindparam("manager_id"))
        found.append(User.team_id.in_(led))
    if flt.user_id:
        found.append(User.id == bindparam("user_id"))
    return found


def _certifications(flt: ReportFilter) -> list:
    found = [Certification.active]
    if flt.certification_id:
        found.append(Certification.id == bindparam("certification_id"))
    return found


def _certificates(flt: ReportFilter, current_version: str | None) -> list:
    """Only certificates earned under an older standards version (so: only cells with one)."""
    if not flt.older_version:
        return []
    found = [Certificate.standards_version.is_not(None)]
    if current_version:
        found.append(Certificate.standards_version != bindparam("current_version"))
    return found


def _with_status(query: Select, flt: ReportFilter) -> Select:
    shape = _percent_shape(flt)
    # a standing's own percent above 0 without a certificate is in progress; said again, the
    # status would only mislead the planner's count of rows
    if flt.status in STATUSES and shape != "standing, in progress":
        query = query.where(status_expression() == bindparam("status"))
    if flt.held is not None:
        query = query.where(Certificate.id.is_not(None) if flt.held else Certificate.id.is_(None))
    if shape.startswith("standing"):
        query = query.where(
            CertificationStanding.certificate_id.is_(None),
            CertificationStanding.percent == bindparam("percent", literal_execute=True),
        )
    elif shape == "shown":
        query = query.where(progress_expression() == bindparam("percent"))
    return query


def _ordered(query: Select, flt: ReportFilter, locale: str) -> Select:
    name = User.name_ar if locale == "ar" else User.name_en
    last = []  # cells without a certificate stay at the end whichever the direction
    if flt.sort == "until" and not flt.held:
        last = [Certificate.expires_on.is_(None)]
    keys = {
        "name": [name],
        "department": [Department.name_ar if locale == "ar" else Department.name_en, name],
        "team": [Team.name_ar if locale == "ar" else Team.name_en, name],
        "certification": [Certification.position, name],
        "status": [status_expression(), name],
        "until": [Certificate.expires_on, name],
        "percent": [progress_expression(), name],
    }[flt.sort if flt.sort in SORTS else "name"]
    if flt.descending:
        keys = [key.desc() for key in keys]
    return query.order_by(*last, *keys, User.id, Certification.position)


def _standings_by_status(viewer: User, flt: ReportFilter, current_version) -> Select:
    status = status_expression()
    return (
        select(status, func.count())
        .select_from(CertificationStanding)
        .join(User, User.id == CertificationStanding.user_id)
        .join(Certification, Certification.id == CertificationStanding.certification_id)
        .outerjoin(Certificate, Certificate.id == CertificationStanding.certificate_id)
        .where(*_agents(viewer, flt), *_certifications(flt))
        .where(*_certificates(flt, current_version))
        .group_by(status)
    )


def totals(viewer: User, flt: ReportFilter, today: date, current_version: str | None) -> dict:
    """Cells per status under every filter but the status one (the chart shows them all).
    Every agent's totals are read from the kept counts (counts.py); filtered on people, from
    the standings, each read once. Either way a cell without a standing is one not started,
    so those are the cells the standings leave over (none when only cells with a certificate
    are asked for)."""
    params = _params(viewer, flt, today, current_version)
    found, cells = {status: 0 for status in STATUSES}, None
    for status, count in read_rows(db.session, _statement("totals", viewer, flt, current_version),
                                   params):  # fmt: skip
        if status == CELLS:
            cells = count
        else:
            found[status] = count
    if cells is not None:
        found["not_started"] += cells - sum(found.values())
    return found


def page_of_rows(viewer, flt, today, locale, current_version, page: int, per_page=None,
                 counts: dict | None = None):  # fmt: skip
    records = page_of_records(viewer, flt, today, locale, current_version, page, per_page, counts)
    return list(to_rows(records, locale))


def page_of_records(viewer, flt, today, locale, current_version, page: int, per_page=None,
                    counts: dict | None = None):  # fmt: skip
    """One page of the cells as selected, codes included (the API answers with codes).
    `counts` are the totals() of the same filter, when the caller has them already.

    Sorted by status or by certification, the cells are each status's (certification's)
    cells sorted by name, one after the other. Over every agent (_counted_whole), the page is
    read from the parts it falls in, each by the statement that keeps one status
    (certification), which an index on names serves: sorting every cell in SQL by a status or
    a certification cannot use an index, and at 100,000 agents on PostgreSQL took 0.5-0.6 s a
    page, a part by name 4-16 ms. Sorted by the certificates' end dates, the cells with a
    certificate come first in date order (the certificates' index on the date, and each
    one's standing by its own index: 8-12 ms where sorting every cell took 0.45-0.52 s), then
    the others by name. Where a part begins comes from the kept counts (totals()),
    which the page's row count and chart already show: the daily check (counts.check) sets
    them right after rows written around the app. Sorted by progress, each progress shown is
    such a part (the counts keep the cells in progress by percent); with a status other than
    in progress chosen, every cell has the same progress and the name decides. Fewer people
    (a manager's teams, a team, one person) are sorted in one statement, as every other sort
    is."""
    per_page = per_page or PER_PAGE
    offset = (page - 1) * per_page

    def read(part: ReportFilter, offset: int, limit: int) -> list:
        query = _statement("page", viewer, part, current_version, locale)
        params = {**_params(viewer, part, today, current_version), "offset": offset,
                  "limit": limit}  # fmt: skip
        return read_rows(db.session, query, params).all()

    def cells(part: ReportFilter) -> int:
        found = totals(viewer, part, today, current_version)
        return found[part.status] if part.status else sum(found.values())

    whole = _counted_whole(viewer, flt)
    if whole and flt.sort == "status" and not flt.status:
        counts = counts or totals(viewer, flt, today, current_version)
        statuses = sorted(STATUSES, reverse=flt.descending)  # as SQL orders their names
        parts = [replace(flt, status=status, sort="name") for status in statuses]
        return _in_parts(parts, offset, per_page, lambda part: counts[part.status], read)
    if whole and flt.sort == "certification" and not flt.certification_id:
        ids = [certification_id for (certification_id,) in read_rows(
            db.session, _active_certifications(flt.descending))]  # fmt: skip
        parts = [replace(flt, certification_id=cid, sort="name") for cid in ids]
        return _in_parts(parts, offset, per_page, cells, read)
    if whole and flt.sort == "until" and not flt.status:
        counts = counts or totals(viewer, flt, today, current_version)
        held = sum(counts[status] for status in HELD)
        sizes = {True: held, False: sum(counts.values()) - held}
        parts = [replace(flt, held=True), replace(flt, held=False, sort="name")]
        return _in_parts(parts, offset, per_page, lambda part: sizes[part.held], read)
    by_status = flt.sort == "status" or (flt.sort == "percent" and flt.status != "in_progress")
    if flt.status and by_status:
        flt = replace(flt, sort="name")  # every cell has the same status (progress): by name
    if whole and flt.sort == "percent" and not flt.older_version:
        counts = counts or totals(viewer, flt, today, current_version)
        held = sum(counts[status] for status in HELD)
        sizes = _progress_sizes(viewer, flt, today, current_version, counts["not_started"], held)
        parts = [_progress_part(flt, percent, not flt.status and sizes[percent] == held)
                 for percent in sorted(sizes, reverse=flt.descending)]  # fmt: skip
        return _in_parts(parts, offset, per_page, lambda part: sizes[part.percent], read)
    return read(flt, offset, per_page)


def _progress_part(flt: ReportFilter, percent: int, only_held: bool) -> ReportFilter:
    """The cells shown at `percent`, sorted by name. At 100, when they are only the cells with
    a certificate (no cell in progress is at 100: a certification complete is issued at
    once), those, which the certificates' own rows find when they are few."""
    part = replace(flt, percent=percent, sort="name")
    return replace(part, held=True) if percent == 100 and only_held else part


def _progress_sizes(viewer, flt, today, current_version, not_started: int,
                    held: int) -> dict[int, int]:  # fmt: skip
    """How many cells each progress shown has (every status, or only `in_progress`): the
    cells in progress by percent from the kept counts; the `not_started` ones at 0; the
    `held` ones (with a certificate) at 100."""
    key = ("progress", bool(flt.certification_id))
    statement = _STATEMENTS.get(key)
    if statement is None:
        statement = _STATEMENTS[key] = counts.progress_statement(bool(flt.certification_id))
    sizes: dict[int, int] = {} if flt.status else {0: not_started, 100: held}
    for percent, cells in read_rows(db.session, statement,
                                    _params(viewer, flt, today, current_version)):  # fmt: skip
        sizes[percent] = sizes.get(percent, 0) + cells
    return {percent: cells for percent, cells in sizes.items() if cells}


def _in_parts(parts: list[ReportFilter], offset: int, limit: int, count, read) -> list:
    """`limit` cells from `offset` of the parts read one after the other; a part is counted
    only when the page begins after its start."""
    found: list = []
    for part in parts:
        if offset:
            size = count(part)
            if offset >= size:
                offset -= size
                continue
        found += read(part, offset, limit - len(found))
        offset = 0
        if len(found) >= limit:
            break
    return found


def _active_certifications(descending: bool) -> Select:
    key = ("active certifications", descending)
    statement = _STATEMENTS.get(key)
    if statement is None:
        position = Certification.position.desc() if descending else Certification.position
        statement = _STATEMENTS[key] = (
            select(Certification.id)
            .where(Certification.active)
            .order_by(position, Certification.id)
        )
    return statement


def iter_rows(viewer, flt, today, locale, current_version, batch: int = 1000):
    """Every row of the report, fetched in batches: memory stays flat whatever the count."""
    query = _statement("rows", viewer, flt, current_version, locale)
    result = db.session.execute(query.execution_options(yield_per=batch),
                                _params(viewer, flt, today, current_version))  # fmt: skip
    yield from to_rows(result, locale)


# What a row needs of a record, in this order (see to_rows).
_ROW_VALUES = ("user_id", "employee_no", "name_ar", "name_en", "department_ar", "department_en",
               "team_ar", "team_en", "manager_ar", "manager_en", "title", "status", "percent",
               "certificate_id", "code", "valid_from", "expires_on", "standards_version")  # fmt: skip


def to_rows(records, locale: str) -> Iterator[ReportRow]:
    """The records as rows in the language. Each record's values are taken at once by
    position (reading a row's value by name costs about half a microsecond, a dozen of them
    more than the rest of the row), and each certification's title (JSON text) is decoded
    once, not once per row."""
    values, titles = None, {}
    for record in records:
        if values is None:
            values = itemgetter(*map(record._fields.index, _ROW_VALUES))
        (user_id, employee_no, name_ar, name_en, department_ar, department_en, team_ar, team_en,
         manager_ar, manager_en, title, status, percent, certificate_id, code, valid_from,
         expires_on, standards_version) = values(record)  # fmt: skip
        certification = titles.get(title)
        if certification is None:
            certification = titles[title] = localized(_json(title), locale)
        yield ReportRow(
            user_id, employee_no, in_language(name_ar, name_en, locale),
            in_language(department_ar, department_en, locale),
            in_language(team_ar, team_en, locale), in_language(manager_ar, manager_en, locale),
            certification, status, 100 if certificate_id is not None else (percent or 0),
            certificate_id, code, valid_from, expires_on, standards_version,
        )  # fmt: skip


def _json(text):
    return json.loads(text) if isinstance(text, str) else text


def in_language(ar: str | None, en: str | None, locale: str) -> str:
    """A name in the language, else in the other one."""
    return (ar or en or "") if locale == "ar" else (en or ar or "")


STATUS_LABELS = {
    "certified": _l("Certified"),
    "expiring": _l("Expiring within 30 days"),
    "expired": _l("Expired"),
    "revoked": _l("Revoked"),
    "in_progress": _l("In progress"),
    "not_started": _l("Not started"),
}


def filter_from_args(args) -> ReportFilter:
    """The filter from URL arguments; anything malformed is ignored rather than refused."""

    return ReportFilter(
        department_id=args.get("department_id", type=int),
        team_id=args.get("team_id", type=int),
        manager_id=args.get("manager_id", type=int),
        certification_id=args.get("certification_id", "")[:80],
        status=args.get("status", "") if args.get("status") in STATUSES else "",
        older_version=args.get("older_version") in ("1", "True", "true", "on"),
        sort=args.get("sort", "name") if args.get("sort") in SORTS else "name",
        descending=args.get("descending") in ("1", "True", "true", "on"),
    )  # fmt: skip


def filter_and_options(viewer: User, args) -> tuple[ReportFilter, FilterOptions]:
    """The filter from URL arguments, a code typed into a search field resolved, and what the
    filters offer the viewer."""
    flt, codes = filter_from_args(args), typed_codes(args)
    options = filter_options(viewer, flt, codes)
    return with_typed_choices(flt, options, codes), options


def describe_filter(flt: ReportFilter, options: FilterOptions, locale: str) -> list[list[str]]:
    """The filters in words, for the top of an export."""
    names = {
        "department_id": {d.id: d.name(locale) for d in options.departments},
        "team_id": {t.id: t.name(locale) for t in options.teams},
        "manager_id": {m.id: m.name(locale) for m in options.managers},
        "certification_id": {c.id: c.title_in(locale) for c in options.certifications},
    }
    labels = {"department_id": _l("Department"), "team_id": _l("Team"),
              "manager_id": _l("Manager"), "certification_id": _l("Certification")}  # fmt: skip
    lines = []
    for key, label in labels.items():
        value = getattr(flt, key)
        if value:
            lines.append([str(label), str(names[key].get(value, value))])
    if flt.status:
        lines.append([str(_l("Status")), str(STATUS_LABELS[flt.status])])
    if flt.older_version:
        lines.append([str(_l("Earned under an older standards version")), str(_l("yes"))])
    return lines
