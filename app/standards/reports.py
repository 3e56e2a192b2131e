"""What the standards pages show: an agent's profile, a manager's heatmap, the company view
and the acknowledgement list. Each reads a fixed number of queries, whatever the head count."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import aliased, joinedload

from app import charts as chart
from app import clock
from app.extensions import db
from app.people.models import Department, Role, Team, User
from app.standards import charts, compliance, definitions, evidence, observations
from app.standards.compliance import Assessment, Evidence
from app.standards.models import Acknowledgement, ComplianceChange, ComplianceStatus

TREND_DAYS = 365
CONSISTENT_SPREAD = 0.2  # a team whose scores sit within 20 points gives the same service


# --- agent profile ----------------------------------------------------------------------------


@dataclass
class StandardView:
    standard: dict
    assessment: Assessment
    evidence: list[Evidence]
    trend: charts.Sparkline | None
    since: date | None


@dataclass
class Profile:
    agent: User
    version: object
    window_days: int
    rows: list[StandardView]
    observations: list
    corrected: set[int]


def agent_profile(agent: User) -> Profile:
    """Each standard's live status and evidence for one agent, with the stored trend."""
    version = definitions.cached_current_version()
    rules, window = definitions.rules_of(version), definitions.window_days_of(version)
    today = clock.today()
    weights = definitions.evidence_weights_of(version)
    found = evidence.load_evidence([agent.id], rules, today, window, weights).get(agent.id, [])
    history = _history(agent.id)
    stored = definitions.stored_statuses([agent.id])
    rows = []
    for standard, rule in zip(definitions.standards_of(version), rules, strict=True):
        items = sorted((e for e in found if e.standard_id == rule.id),
                       key=lambda e: (e.on, e.ref_id), reverse=True)  # fmt: skip
        trend = charts.sparkline(history.get(rule.id, []), today - timedelta(TREND_DAYS), today)
        assessment = compliance.assess(items, rule, today, window)
        since = _since(stored.get((agent.id, rule.id)), assessment.status, agent.hire_date)
        rows.append(StandardView(standard, assessment, items, trend, since))
    recent = observations.observations_of(agent.id, limit=20)
    corrected = observations.corrected_ids([o.id for o in recent])
    return Profile(agent, version, window, rows, recent, corrected)


def _since(row: ComplianceStatus | None, status: str, hired: date | None) -> date | None:
    """Since when the status shown holds: never before the agent joined, and only when the
    stored status is the one shown."""
    if row is None or row.status != status:
        return None
    return max(row.since, hired) if hired else row.since


def _history(user_id: int) -> dict[str, list[tuple[date, str]]]:
    query = (
        select(ComplianceChange.standard_id, ComplianceChange.changed_on, ComplianceChange.status)
        .where(ComplianceChange.user_id == user_id)
        .order_by(ComplianceChange.changed_on, ComplianceChange.id)
    )
    found: dict[str, list[tuple[date, str]]] = defaultdict(list)
    for row in db.session.execute(query):
        found[row.standard_id].append((row.changed_on, row.status))
    return found


# --- team heatmap -----------------------------------------------------------------------------


@dataclass
class Consistency:
    spread: float | None
    statuses: int  # how many different statuses the team's agents have

    @property
    def consistent(self) -> bool | None:
        return None if self.spread is None else self.spread <= CONSISTENT_SPREAD


@dataclass
class Heatmap:
    standards: list[dict]
    agents: list[User]
    cells: dict[tuple[int, str], ComplianceStatus]
    overall: dict[int, float | None]
    consistency: dict[str, Consistency]
    teams: list[Team]
    computed_on: date | None = None
    sort: str = "name"


def team_heatmap(manager: User, sort: str = "name", team_id: int | None = None) -> Heatmap:
    """The manager's agents x the current standards, from the stored statuses."""
    version = definitions.cached_current_version()
    standards = definitions.standards_of(version)
    teams = list(db.session.scalars(select(Team).where(Team.manager_id == manager.id)
                                    .order_by(Team.code)))  # fmt: skip
    team_ids = [t.id for t in teams if team_id in (None, t.id)]
    agents = list(db.session.scalars(
        select(User).where(User.team_id.in_(team_ids), User.role == Role.AGENT, User.active)
        .order_by(User.name_en, User.id)
    )) if team_ids else []  # fmt: skip
    cells = definitions.stored_statuses([a.id for a in agents])
    ids = [s["id"] for s in standards]
    overall = {a.id: _mean([_score(cells, a.id, sid) for sid in ids]) for a in agents}
    consistency = {
        sid: Consistency(
            compliance.spread([_score(cells, a.id, sid) for a in agents]),
            len({cells[(a.id, sid)].status for a in agents if (a.id, sid) in cells}),
        )
        for sid in ids
    }
    computed = max((c.computed_on for c in cells.values()), default=None)
    heatmap = Heatmap(standards, agents, cells, overall, consistency, teams, computed, "name")
    _sort(heatmap, sort, ids)
    return heatmap


def _score(cells, user_id: int, standard_id: str) -> float | None:
    row = cells.get((user_id, standard_id))
    return row.score if row is not None else None


def _mean(values: list[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return sum(known) / len(known) if known else None


def _sort(heatmap: Heatmap, sort: str, standard_ids: list[str]) -> None:
    """Weakest first for a standard or the overall score; agents without evidence last."""
    if sort == "overall":
        heatmap.agents.sort(key=lambda a: _weakest_first(heatmap.overall[a.id]))
    elif sort in standard_ids:
        heatmap.agents.sort(key=lambda a: _weakest_first(_score(heatmap.cells, a.id, sort)))
    else:
        sort = "name"
    heatmap.sort = sort


def _weakest_first(score: float | None) -> tuple[int, float]:
    return (1, 0.0) if score is None else (0, score)


# --- team trends ------------------------------------------------------------------------------


@dataclass
class StandardTrend:
    standard: dict
    shares: list[float | None]  # per period: share of the agents with a status who met it
    chart: object  # app.reports.chart.LineChart


@dataclass
class TeamTrends:
    ends: list[date]  # the last day of each period, oldest first (the last one is today)
    labels: list[str]
    rows: list[StandardTrend]


def team_trends(heatmap: Heatmap, rtl: bool, months: int = 6) -> TeamTrends:
    """For each standard, the share of the heatmap's agents meeting it at the end of each of
    the last months, from the recorded status changes (one query)."""
    ends = chart.month_ends(clock.today(), months)
    agent_ids = [agent.id for agent in heatmap.agents]
    history: dict[tuple[int, str], list[tuple[date, str]]] = defaultdict(list)
    if agent_ids:
        query = (
            select(ComplianceChange.user_id, ComplianceChange.standard_id,
                   ComplianceChange.changed_on, ComplianceChange.status)
            .where(ComplianceChange.user_id.in_(agent_ids), ComplianceChange.changed_on <= ends[-1])
            .order_by(ComplianceChange.changed_on, ComplianceChange.id)
        )  # fmt: skip
        for user_id, standard_id, day, status in db.session.execute(query):
            history[(user_id, standard_id)].append((day, status))
    labels = [format_date(end, "LLL") for end in ends]
    rows = []
    for standard in heatmap.standards:
        shares = [_share_met(history, agent_ids, standard["id"], end) for end in ends]
        values = [(label, None if v is None else round(100 * v))
                  for label, v in zip(labels, shares, strict=True)]  # fmt: skip
        line = chart.line_chart(values, 100, rtl, top_label="100%")
        rows.append(StandardTrend(standard, shares, line))
    return TeamTrends(ends, labels, rows)


def _share_met(history, agent_ids: list[int], standard_id: str, end: date) -> float | None:
    statuses = []
    for user_id in agent_ids:
        before = [status for day, status in history.get((user_id, standard_id), []) if day <= end]
        if before and before[-1] != "no_evidence":
            statuses.append(before[-1])
    return sum(s == "met" for s in statuses) / len(statuses) if statuses else None


# --- company view -----------------------------------------------------------------------------


@dataclass
class Company:
    standards: list[dict]
    departments: list[Department]
    teams_by_department: dict[int, list[Team]]
    agents: dict[int | None, int] = field(default_factory=dict)  # team id -> agents
    department_agents: dict[int, int] = field(default_factory=dict)
    team_share: dict[tuple[int, str], float] = field(default_factory=dict)
    department_share: dict[tuple[int, str], float] = field(default_factory=dict)
    company_share: dict[str, float] = field(default_factory=dict)
    least_met: list[tuple[dict, float]] = field(default_factory=list)
    chart: list[charts.Bar] = field(default_factory=list)


def company_view() -> Company:
    """Per department and team, the share of active agents meeting each standard."""
    standards = definitions.standards_of(definitions.cached_current_version())
    teams = list(db.session.scalars(select(Team).options(joinedload(Team.department))
                                    .order_by(Team.code)))  # fmt: skip
    by_department: dict[int, list[Team]] = defaultdict(list)
    for team in teams:
        by_department[team.department_id].append(team)
    departments = sorted({t.department for t in teams}, key=lambda d: d.code)
    view = Company(standards, departments, dict(by_department))
    view.agents = _agents_per_team()
    met = _met_per_team()
    _fill_shares(view, met, {t.id: t.department_id for t in teams})
    return view


def _active_agents():
    return select(User.id, User.team_id).where(User.role == Role.AGENT, User.active).subquery()


def _agents_per_team() -> dict[int | None, int]:
    agents = _active_agents()
    query = select(agents.c.team_id, func.count()).group_by(agents.c.team_id)
    return dict(db.session.execute(query).all())


def _met_per_team() -> dict[tuple[int | None, str], int]:
    agents = _active_agents()
    query = (
        select(agents.c.team_id, ComplianceStatus.standard_id, func.count())
        .join(ComplianceStatus, ComplianceStatus.user_id == agents.c.id)
        .where(ComplianceStatus.status == "met")
        .group_by(agents.c.team_id, ComplianceStatus.standard_id)
    )
    return {(team, sid): n for team, sid, n in db.session.execute(query)}


def _fill_shares(view: Company, met: dict, department_of: dict[int, int]) -> None:
    total = sum(view.agents.values())
    for standard in view.standards:
        sid = standard["id"]
        dept_met: dict[int, int] = defaultdict(int)
        dept_agents: dict[int, int] = defaultdict(int)
        for team_id, count in view.agents.items():
            if team_id in department_of:
                view.team_share[(team_id, sid)] = met.get((team_id, sid), 0) / count
                dept_met[department_of[team_id]] += met.get((team_id, sid), 0)
                dept_agents[department_of[team_id]] += count
        for dept_id, count in dept_agents.items():
            view.department_share[(dept_id, sid)] = dept_met[dept_id] / count
        view.department_agents = dict(dept_agents)
        all_met = sum(n for (_team, s), n in met.items() if s == sid)
        view.company_share[sid] = all_met / total if total else 0.0
    ranked = sorted(view.standards, key=lambda s: (view.company_share[s["id"]], s["id"]))
    view.least_met = [(s, view.company_share[s["id"]]) for s in ranked[:3]]
    view.chart = charts.bars([(s["id"], view.company_share[s["id"]]) for s in ranked])


# --- acknowledgements -------------------------------------------------------------------------


@dataclass
class AckFilter:
    team_id: int | None = None
    department_id: int | None = None
    state: str = ""  # "", "done" or "pending"


def _acknowledgement_query(flt: AckFilter, version_id: int):
    query = (
        select(User)
        .options(joinedload(User.team))
        .where(User.role == Role.AGENT, User.active)
        .order_by(User.name_en, User.id)
    )
    if flt.team_id:
        query = query.where(User.team_id == flt.team_id)
    if flt.department_id:
        query = query.where(User.department_id == flt.department_id)
    acked = select(Acknowledgement.user_id).where(Acknowledgement.version_id == version_id)
    if flt.state == "done":
        query = query.where(User.id.in_(acked))
    elif flt.state == "pending":
        query = query.where(User.id.not_in(acked))
    return query


def _version_id() -> int:
    version = definitions.cached_current_version()
    return version.id if version else -1


def acknowledgement_page(flt: AckFilter, page: int, per_page: int = 50):
    """Active agents with the time they acknowledged the current version (or None)."""
    version_id = _version_id()
    result = db.paginate(_acknowledgement_query(flt, version_id), page=page, per_page=per_page,
                         error_out=False)  # fmt: skip
    times = dict(db.session.execute(
        select(Acknowledgement.user_id, Acknowledgement.acknowledged_at).where(
            Acknowledgement.version_id == version_id,
            Acknowledgement.user_id.in_([u.id for u in result.items]),
        )
    ).all())  # fmt: skip
    return result, times


def all_acknowledgements(flt: AckFilter, batch: int = 1000):
    """Every matching agent with the time they acknowledged the current version (or None),
    read in batches for an export: (user, team, acknowledged_at)."""
    version_id = _version_id()
    listed = _acknowledgement_query(flt, version_id).subquery()
    Listed = aliased(User, listed)
    query = (
        select(Listed, Team, Acknowledgement.acknowledged_at)
        .outerjoin(Team, Team.id == Listed.team_id)
        .outerjoin(Acknowledgement, (Acknowledgement.user_id == Listed.id)
                   & (Acknowledgement.version_id == version_id))
        .order_by(Listed.name_en, Listed.id)
    )  # fmt: skip
    yield from db.session.execute(query.execution_options(yield_per=batch))


def acknowledgement_table(flt: AckFilter, locale: str):
    """The header and rows of the acknowledgement export; times in the installation's zone."""
    zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    header = [_("Employee number"), _("Name"), _("Team"), _("Acknowledged"),
              _("Acknowledged at")]  # fmt: skip
    yes, no = _("yes"), _("Not yet")

    def rows():
        for user, team, at in all_acknowledgements(flt):
            when = _utc(at).astimezone(zone) if at else ""
            yield [user.employee_no, user.name(locale), team.name(locale) if team else "",
                   yes if at else no, when]  # fmt: skip

    return header, rows()


def _utc(moment):
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
