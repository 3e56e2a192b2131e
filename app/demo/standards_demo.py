"""Six months of service-standards evidence for the demo agents, so the heatmap, the profiles
and the company view show every status and some trends. Call after the demo people and the
content are loaded; the caller commits."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, select

from app.demo import data
from app.extensions import db
from app.people.models import Role, Team, User
from app.standards import compliance, services
from app.standards.models import KpiValue, Observation, ObservationItem
from app.standards.observations import observed_standards

MONTHS = 6
OBSERVATION_EVERY_DAYS = 14
CHANNELS = ("phone", "phone", "chat", "email", "in_person")


def load_standards_demo(today: date, seed: int = 2026) -> dict:
    """Observations every two weeks and monthly KPI figures for each demo agent since their
    hire date (at most six months back), then monthly statuses so trends show. Does nothing
    when the demo agents already have observations or no standards are published."""
    version = services.current_version()
    agents = _demo_agents()
    if version is None or not agents or _already_loaded(agents):
        return {"observations": 0, "kpi_values": 0}
    rng = random.Random(seed)
    counts = {"observations": 0, "kpi_values": 0}
    for agent, manager_id in agents:
        profile = _Profile(rng)
        start = max(agent.hire_date, today - timedelta(days=30 * MONTHS))
        counts["observations"] += _observe(agent, manager_id, version, profile, start, today, rng)
        counts["kpi_values"] += _kpis(agent, version, profile, start, today, rng)
    db.session.flush()
    ids = [agent.id for agent, _ in agents]
    for month in range(MONTHS, 0, -1):
        services.recompute_statuses(ids, today=today - timedelta(days=30 * month), remediate=False)
    counts |= services.recompute_statuses(ids, today=today)
    return counts


def _demo_agents() -> list[tuple[User, int | None]]:
    query = (
        select(User, Team.manager_id)
        .outerjoin(Team, Team.id == User.team_id)
        .where(User.role == Role.AGENT, User.active, User.email.like(f"%@{data.DEMO_DOMAIN}"))
        .order_by(User.employee_no)
    )
    return [(user, manager_id) for user, manager_id in db.session.execute(query)]


def _already_loaded(agents) -> bool:
    ids = [agent.id for agent, _ in agents]
    return bool(db.session.scalar(select(func.count(Observation.id)).where(
        Observation.agent_id.in_(ids))))  # fmt: skip


class _Profile:
    """How likely an agent is to meet each standard, drifting over time: some agents improve,
    some slip, so the trend lines move."""

    def __init__(self, rng: random.Random):
        self.base = rng.uniform(0.55, 0.98)
        self.drift = rng.choice((-0.25, -0.1, 0.0, 0.1, 0.3))
        self.offsets: dict[str, float] = {}
        self.rng = rng

    def chance(self, standard_id: str, day: date, today: date) -> float:
        offset = self.offsets.setdefault(standard_id, self.rng.uniform(-0.2, 0.2))
        progress = 1 - (today - day).days / (30 * MONTHS)
        return min(0.99, max(0.02, self.base + offset + self.drift * progress))


def _observe(agent, manager_id, version, profile: _Profile, start, today, rng) -> int:
    if manager_id is None:
        return 0
    standards = [s["id"] for s in observed_standards(version)]
    count, day = 0, today - timedelta(days=3)
    while day >= start:
        items = []
        for sid in standards:
            if rng.random() < 0.25:  # not every interaction touches every standard
                items.append(ObservationItem(standard_id=sid, rating="na"))
                continue
            draw, chance = rng.random(), profile.chance(sid, day, today)
            rating = "met" if draw < chance else ("partly" if draw < chance + 0.2 else "not_met")
            items.append(ObservationItem(standard_id=sid, rating=rating))
        score, failed = compliance.observation_outcome([(i.rating, False) for i in items])
        db.session.add(Observation(
            agent_id=agent.id, manager_id=manager_id, version_id=version.id, observed_on=day,
            channel=rng.choice(CHANNELS), reference=f"CASE-{rng.randint(100000, 999999)}",
            created_at=datetime.combine(day, time(15), UTC), score=score, failed=failed,
            items=items,
        ))  # fmt: skip
        count += 1
        day -= timedelta(days=OBSERVATION_EVERY_DAYS)
    return count


def _kpis(agent, version, profile: _Profile, start, today, rng) -> int:
    targets = {}
    for standard in services.standards_of(version):
        for kpi in standard["evidence"]["kpis"]:
            targets[kpi["metric"]] = (standard["id"], kpi["target"], kpi["direction"])
    count, end = 0, today.replace(day=1) - timedelta(days=1)
    while end >= start:
        first = end.replace(day=1)
        for metric, (sid, target, direction) in targets.items():
            good = rng.random() < profile.chance(sid, end, today)
            value = _figure(target, direction, good, rng)
            db.session.add(KpiValue(user_id=agent.id, metric=metric, period_start=first,
                                    period_end=end, value=value))  # fmt: skip
            count += 1
        end = first - timedelta(days=1)
    return count


def _figure(target: float, direction: str, good: bool, rng) -> float:
    if direction == "at_most":
        factor = rng.uniform(0.6, 1.0) if good else rng.uniform(1.05, 1.8)
        return round(target * factor, 1)
    factor = rng.uniform(1.0, 1.1) if good else rng.uniform(0.75, 0.99)
    return round(min(100.0, target * factor), 1)
