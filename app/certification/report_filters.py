"""What the report's team and manager filters offer the viewer.

A handful of teams is offered as a list; past LIST_LIMIT the filter becomes a search field
instead, answered SEARCH_LIMIT matches at a time, and only the chosen team or manager is read
(by id, or by the exact code someone typed). An installation may have thousands of teams, and
listing them all on every view of the report costs more than the rest of the page.

Departments, certifications and teams are shared data (app/page_cache): what the filters offer
of them is kept per process under the shared change counter. Managers are people, whose names
move only their own counter: they are read on every view (one small query).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Select, bindparam, func, or_, select
from sqlalchemy.orm import aliased

from app.certification.models import Certification
from app.database import read_rows
from app.extensions import db
from app.page_cache.pages import detached, shared_value
from app.people.models import Department, Role, Team, User

LIST_LIMIT = 200  # more choices than this: a search field instead of a list
SEARCH_LIMIT = 20  # matches per search
KINDS = ("team", "manager")
Manager = aliased(User, name="manager")


@dataclass(frozen=True)
class Choice:
    """A team or a manager as the filter offers it: what the lists and the export names
    need, not the whole row."""

    id: int
    code: str  # a team's code, a manager's employee number
    name_ar: str
    name_en: str
    department_id: int | None = None

    def name(self, locale: str) -> str:
        return self.name_ar if locale == "ar" else self.name_en


@dataclass
class FilterOptions:
    """`teams` and `managers` hold every choice when listed, and only the chosen one (if any)
    when searched (`searched` names which)."""

    departments: list[Department]
    teams: list[Choice]
    managers: list[Choice]
    certifications: list[Certification]
    searched: frozenset[str] = field(default_factory=frozenset)
    unknown: dict[str, str] = field(default_factory=dict)  # kind -> the code that matched nothing


def _sees_everyone(viewer: User) -> bool:
    return viewer.role in (Role.HR, Role.ADMIN)


def _visible_teams(viewer: User) -> list:
    """Every team, or a manager's own (by the `viewer_id` parameter, see _run)."""
    return [] if _sees_everyone(viewer) else [Team.manager_id == bindparam("viewer_id")]


def _team_query(viewer: User) -> Select:
    return select(Team.id, Team.code, Team.name_ar, Team.name_en, Team.department_id).where(
        *_visible_teams(viewer)
    )


def _manager_query(viewer: User) -> Select:
    leading = select(Team.manager_id).where(*_visible_teams(viewer))
    return select(Manager.id, Manager.employee_no, Manager.name_ar, Manager.name_en).where(
        Manager.id.in_(leading)
    )


def _run(query: Select, viewer: User):
    return read_rows(db.session, query, {"viewer_id": viewer.id})


def _query(kind: str, viewer: User) -> Select:
    return _team_query(viewer) if kind == "team" else _manager_query(viewer)


def _columns(kind: str):
    if kind == "team":
        return Team.id, Team.code, Team.name_ar, Team.name_en
    return Manager.id, Manager.employee_no, Manager.name_ar, Manager.name_en


_LISTINGS: dict[tuple, Select] = {}


def _listing(kind: str, viewer: User) -> Select:
    """The statement of _listed, built once per kind and viewer's reach."""
    key = (kind, _sees_everyone(viewer), LIST_LIMIT)
    query = _LISTINGS.get(key)
    if query is None:
        _id, _code, _ar, name_en = _columns(kind)
        query = _LISTINGS[key] = _query(kind, viewer).order_by(name_en, _id).limit(LIST_LIMIT + 1)
    return query


def _listed(kind: str, viewer: User) -> list[Choice] | None:
    """Every choice of `kind` in name order, or None when there are more than LIST_LIMIT (at
    most LIST_LIMIT + 1 rows are read to tell)."""
    rows = [Choice(*row) for row in _run(_listing(kind, viewer), viewer)]
    return rows if len(rows) <= LIST_LIMIT else None


@dataclass(frozen=True)
class SharedOptions:
    """What the filters offer of shared data, as kept per process: plain values, and the
    certifications detached from any session."""

    departments: list[Choice]
    certifications: list[Certification]
    teams: list[Choice] | None  # None: more than LIST_LIMIT, a search field instead


def _shared_options(viewer: User) -> SharedOptions:
    departments = select(Department.id, Department.code, Department.name_ar, Department.name_en)
    certifications = select(Certification).where(Certification.active)
    return SharedOptions(
        [Choice(*row) for row in read_rows(db.session, departments.order_by(Department.name_en))],
        detached(certifications.order_by(Certification.position)),
        _listed("team", viewer),
    )


def kept_options(viewer: User) -> SharedOptions:
    """_shared_options, kept under the shared change counter: for HR and admins (who see
    every team) once, for a manager per manager (their own teams)."""
    scope = None if _sees_everyone(viewer) else viewer.id
    return shared_value(("report filters", scope, LIST_LIMIT), lambda: _shared_options(viewer))


def chosen(kind: str, viewer: User, choice_id: int | None = None, code: str = "") -> Choice | None:
    """The one team or manager the viewer may see, by id or by exact code (one query)."""
    id_column, code_column, *_names = _columns(kind)
    if choice_id:
        query = _query(kind, viewer).where(id_column == choice_id)
    else:
        query = _query(kind, viewer).where(func.lower(code_column) == code.strip().lower())
    row = _run(query.limit(1), viewer).first()
    return Choice(*row) if row else None


def search(kind: str, viewer: User, text: str) -> list[Choice]:
    """Up to SEARCH_LIMIT teams or managers the viewer may see whose code or name, in either
    language, contains `text` (case ignored); exact codes first, then by name."""
    text = " ".join(text.split())[:80]
    if kind not in KINDS or not text:
        return []
    id_column, code_column, name_ar, name_en = _columns(kind)
    pattern = "%" + text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    found = [func.lower(column).like(pattern, escape="\\")
             for column in (code_column, name_ar, name_en)]  # fmt: skip
    exact = func.lower(code_column) == text.lower()
    query = (
        _query(kind, viewer)
        .where(or_(*found))
        .order_by(exact.desc(), name_en, id_column)
        .limit(SEARCH_LIMIT)
    )
    return [Choice(*row) for row in _run(query, viewer)]


def _offered(kind: str, viewer: User, choice_id, code, options: FilterOptions) -> list[Choice]:
    """The one chosen choice (if any) of a searched filter; notes a code that matched nothing."""
    options.searched |= {kind}
    if code is not None:  # typed into the field: it decides, an empty field chooses nobody
        one = chosen(kind, viewer, code=code) if code.strip() else None
        if one is None and code.strip():
            options.unknown[kind] = code.strip()[:80]
    else:
        one = chosen(kind, viewer, choice_id) if choice_id else None
    return [one] if one else []


def filter_options(viewer: User, flt=None, codes: dict | None = None) -> FilterOptions:
    """What the filters offer the viewer (a manager: only their own teams). `codes` holds what
    was typed into a search field, by kind (a code or an employee number); the chosen team or
    manager is then read by that code, else by the filter's id."""
    codes = codes or {}
    kept = kept_options(viewer)
    options = FilterOptions(kept.departments, [], [], kept.certifications)
    if kept.teams is not None:
        options.teams = kept.teams
        # the managers of the listed teams (as many or fewer), in name order
        managers = _listed("manager", viewer) or []
        options.managers = sorted(managers, key=lambda m: (m.name_en, m.id))
        if not _sees_everyone(viewer):
            ids = {t.department_id for t in options.teams}
            options.departments = [d for d in kept.departments if d.id in ids]
    else:
        options.teams = _offered("team", viewer, getattr(flt, "team_id", None),
                                 codes.get("team"), options)  # fmt: skip
        options.managers = _listed("manager", viewer)
        if options.managers is None:
            options.managers = _offered("manager", viewer, getattr(flt, "manager_id", None),
                                        codes.get("manager"), options)  # fmt: skip
    return options


def typed_codes(args) -> dict[str, str]:
    """What was typed into the search fields, by kind (absent when the field was not sent)."""
    return {kind: args.get(kind, "")[:200] for kind in KINDS if kind in args}


def with_typed_choices(flt, options: FilterOptions, codes: dict[str, str]):
    """The filter with what the search fields resolved to (nothing when a code matched no one)."""
    for kind in KINDS:
        if kind in options.searched and kind in codes:
            found = options.teams if kind == "team" else options.managers
            setattr(flt, f"{kind}_id", found[0].id if found else None)
    return flt
