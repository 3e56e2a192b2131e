"""What the report's team and manager filters offer the viewer.

A handful of teams is offered as a list; past LIST_LIMIT the filter becomes a search field
instead, answered SEARCH_LIMIT matches at a time, and only the chosen team or manager is read
(by id, or by the exact code someone typed). An installation may have thousands of teams, and
listing them all on every view of the report costs more than the rest of the page.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import aliased

from app.certification.models import Certification
from app.extensions import db
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
    return [] if _sees_everyone(viewer) else [Team.manager_id == viewer.id]


def _team_query(viewer: User) -> Select:
    return select(Team.id, Team.code, Team.name_ar, Team.name_en, Team.department_id).where(
        *_visible_teams(viewer)
    )


def _manager_query(viewer: User) -> Select:
    leading = select(Team.manager_id).where(*_visible_teams(viewer))
    return select(Manager.id, Manager.employee_no, Manager.name_ar, Manager.name_en).where(
        Manager.id.in_(leading)
    )


def _query(kind: str, viewer: User) -> Select:
    return _team_query(viewer) if kind == "team" else _manager_query(viewer)


def _columns(kind: str):
    if kind == "team":
        return Team.id, Team.code, Team.name_ar, Team.name_en
    return Manager.id, Manager.employee_no, Manager.name_ar, Manager.name_en


def _listed(kind: str, viewer: User) -> list[Choice] | None:
    """Every choice of `kind` in name order, or None when there are more than LIST_LIMIT (at
    most LIST_LIMIT + 1 rows are read to tell)."""
    _id, _code, _ar, name_en = _columns(kind)
    query = _query(kind, viewer).order_by(name_en, _id).limit(LIST_LIMIT + 1)
    rows = [Choice(*row) for row in db.session.execute(query)]
    return rows if len(rows) <= LIST_LIMIT else None


def _listed_teams(viewer: User) -> tuple[list[Choice], list[Choice]] | None:
    """Every team with its manager, both in name order, read at once; None when there are
    more than LIST_LIMIT teams."""
    query = (
        select(Team.id, Team.code, Team.name_ar, Team.name_en, Team.department_id,
               Manager.id, Manager.employee_no, Manager.name_ar, Manager.name_en)
        .outerjoin(Manager, Manager.id == Team.manager_id)
        .where(*_visible_teams(viewer))
        .order_by(Team.name_en, Team.id)
        .limit(LIST_LIMIT + 1)
    )  # fmt: skip
    teams, managers = [], {}
    for row in db.session.execute(query):
        teams.append(Choice(*row[:5]))
        if row[5] is not None:
            managers[row[5]] = Choice(*row[5:])
    if len(teams) > LIST_LIMIT:
        return None
    return teams, sorted(managers.values(), key=lambda m: (m.name_en, m.id))


def chosen(kind: str, viewer: User, choice_id: int | None = None, code: str = "") -> Choice | None:
    """The one team or manager the viewer may see, by id or by exact code (one query)."""
    id_column, code_column, *_names = _columns(kind)
    if choice_id:
        query = _query(kind, viewer).where(id_column == choice_id)
    else:
        query = _query(kind, viewer).where(func.lower(code_column) == code.strip().lower())
    row = db.session.execute(query.limit(1)).first()
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
    return [Choice(*row) for row in db.session.execute(query)]


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
    departments = list(db.session.scalars(select(Department).order_by(Department.name_en)))
    options = FilterOptions(departments, [], [], [])
    listed = _listed_teams(viewer)
    if listed is not None:
        options.teams, options.managers = listed
        if not _sees_everyone(viewer):
            ids = {t.department_id for t in options.teams}
            options.departments = [d for d in departments if d.id in ids]
    else:
        options.teams = _offered("team", viewer, getattr(flt, "team_id", None),
                                 codes.get("team"), options)  # fmt: skip
        options.managers = _listed("manager", viewer)
        if options.managers is None:
            options.managers = _offered("manager", viewer, getattr(flt, "manager_id", None),
                                        codes.get("manager"), options)  # fmt: skip
    options.certifications = list(db.session.scalars(
        select(Certification).where(Certification.active).order_by(Certification.position)
    ))  # fmt: skip
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
