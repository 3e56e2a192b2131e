"""The manager's standards heatmap: server time and SQL queries for a team of 50 agents with a
year of evidence on every standard of standards/standards.yaml (role-plays, observations, KPIs
and a year of monthly status history), and the query count for a team of 5.

Prints the median server time of the page through the test client (target under 100 ms), the
query counts (they must be equal), and the time of the nightly recomputation for the team.

Run: .venv/bin/python -m bench.bench_heatmap [--agents 50] [--requests 15]
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import insert, select

from bench.common import REPO_ROOT, temp_database

PASSWORD = "bench-heatmap-password"
TODAY = date.today()


def make_app(database_url: str):
    from app import create_app
    from config import Config

    config = type("BenchConfig", (Config,), {
        "SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "bench", "CONTENT_DIR": REPO_ROOT,
        "WTF_CSRF_ENABLED": False, "RATELIMIT_STORAGE_URI": "memory://",
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
    })  # fmt: skip
    return create_app(config)


def load_content() -> None:
    from app.content.services import sync_content
    from app.extensions import db

    db.create_all()
    sync_content(REPO_ROOT)
    db.session.commit()


def make_team(code: str, size: int) -> tuple[str, list[int]]:
    """A manager (signed in by email) and `size` agents; returns (email, agent ids)."""
    from app.auth.services import hash_password
    from app.extensions import db
    from app.people.models import Department, Team, User

    dept = db.session.scalar(select(Department).where(Department.code == "care"))
    if dept is None:
        dept = Department(code="care", name_ar="خدمة العملاء", name_en="Customer care")
        db.session.add(dept)
        db.session.flush()
    email = f"manager-{code}@bench.example"
    manager = User(employee_no=f"M-{code}", email=email, name_en=f"Manager {code}", role="manager",
                   hire_date=TODAY, locale="en", password_hash=hash_password(PASSWORD))  # fmt: skip
    db.session.add(manager)
    db.session.flush()
    team = Team(code=code, name_ar=code, name_en=code, department_id=dept.id, manager_id=manager.id)
    db.session.add(team)
    db.session.flush()
    rows = [
        {"employee_no": f"{code}-{n:03d}", "email": f"{code}{n}@bench.example",
         "name_en": f"Agent {code} {n:03d}", "name_ar": f"موظف {n}", "role": "agent",
         "team_id": team.id, "department_id": dept.id, "hire_date": TODAY - timedelta(400),
         "locale": "en", "active": True, "session_version": 1}
        for n in range(size)
    ]  # fmt: skip
    db.session.execute(insert(User), rows)
    db.session.commit()
    ids = db.session.scalars(select(User.id).where(User.team_id == team.id)).all()
    return email, list(ids)


def add_evidence(agent_ids: list[int], manager_email: str, rng: random.Random) -> int:
    """A year of evidence per agent: 6 role-plays, 2 observations and every KPI each month."""
    from app.extensions import db
    from app.people.models import User
    from app.standards import services

    version = services.current_version()
    manager_id = db.session.scalar(select(User.id).where(User.email == manager_email))
    skill = {agent: rng.uniform(0.3, 0.98) for agent in agent_ids}
    total = 0
    for month in range(12):
        end = TODAY - timedelta(days=30 * month)
        total += _roleplays(agent_ids, skill, end, rng)
        total += _observations(agent_ids, skill, end, manager_id, version, rng)
        total += _kpis(agent_ids, skill, end, version, rng)
    db.session.commit()
    return total


def _roleplays(agent_ids, skill, end: date, rng) -> int:
    from app.extensions import db
    from app.quizzes.models import Answer, Attempt, Quiz
    from app.scoring.result import criteria_presence

    quiz = db.session.scalar(select(Quiz).where(Quiz.current_version_id.is_not(None)).limit(1))
    attempts, answers = [], []
    for agent in agent_ids:
        for n in range(6):
            when = datetime.combine(end - timedelta(days=n * 5), datetime.min.time(), UTC)
            attempts.append({
                "user_id": agent, "quiz_id": quiz.id, "quiz_version_id": quiz.current_version_id,
                "idempotency_key": f"b-{agent}-{end}-{n}", "started_at": when,
                "submitted_at": when, "locale": "en", "auto_score": 70, "auto_passed": True,
                "pass_mark": 70,
            })  # fmt: skip
    db.session.execute(insert(Attempt), attempts)
    keys = {a["idempotency_key"]: a["user_id"] for a in attempts}
    rows = db.session.execute(
        select(Attempt.id, Attempt.idempotency_key).where(Attempt.idempotency_key.in_(list(keys)))
    )
    for attempt_id, key in rows:
        detail = _detail(skill[keys[key]], rng)
        answers.append({
            "attempt_id": attempt_id, "question_id": "q1", "position": 1,
            "response": {"text": "…"}, "points": 7, "max_points": 10, "score": 70,
            "detail": detail, "criteria": criteria_presence(detail),
        })  # fmt: skip
    db.session.execute(insert(Answer), answers)
    return len(answers)


def _detail(skill: float, rng) -> dict:
    required = ("apology", "empathy", "restate", "ask_resolution", "commit_action", "thanks",
                "follow_up")  # fmt: skip
    forbidden = ("policy_speak", "needless_transfer", "blame_customer", "jargon")
    result = {
        "criteria": {cid: rng.random() < skill for cid in required},
        "violations": {cid: rng.random() > skill + 0.1 for cid in forbidden},
    }
    return {"kind": "roleplay", "score": 70, "result": result, "text": "…" * 200}


def _observations(agent_ids, skill, end: date, manager_id, version, rng) -> int:
    from app.extensions import db
    from app.standards.models import Observation, ObservationItem
    from app.standards.observations import observed_standards

    standards = [s["id"] for s in observed_standards(version)]
    count = 0
    for agent in agent_ids:
        for n in range(2):
            observation = Observation(
                agent_id=agent, manager_id=manager_id, version_id=version.id,
                observed_on=end - timedelta(days=n * 14), channel="phone", reference=f"C-{n}",
                created_at=datetime.now(UTC), score=skill[agent],
                items=[ObservationItem(standard_id=sid, rating=_rating(skill[agent], rng))
                       for sid in standards],
            )  # fmt: skip
            db.session.add(observation)
            count += len(standards)
    db.session.flush()
    return count


def _rating(skill: float, rng) -> str:
    draw = rng.random()
    return "met" if draw < skill else ("partly" if draw < skill + 0.15 else "not_met")


def _kpis(agent_ids, skill, end: date, version, rng) -> int:
    from app.extensions import db
    from app.standards.models import KpiValue

    targets = {k["metric"]: k for s in version.definition["standards"]
               for k in s["evidence"]["kpis"]}  # fmt: skip
    rows = []
    for agent in agent_ids:
        for metric, kpi in targets.items():
            good = rng.random() < skill[agent]
            factor = (0.9 if good else 1.3) if kpi["direction"] == "at_most" else (
                1.02 if good else 0.85)  # fmt: skip
            rows.append({"user_id": agent, "metric": metric, "period_start": end - timedelta(29),
                         "period_end": end, "value": min(100.0, kpi["target"] * factor)})  # fmt: skip
    db.session.execute(insert(KpiValue), rows)
    return len(rows)


def build_history(agent_ids: list[int]) -> float:
    """Monthly recomputations over the year (the trend lines), then today's; returns the
    seconds today's recomputation took."""
    from app.extensions import db
    from app.standards import services

    for month in range(12, 0, -1):
        services.recompute_statuses(agent_ids, today=TODAY - timedelta(days=30 * month),
                                    remediate=False)  # fmt: skip
        db.session.commit()
    db.session.expire_all()
    started = time.perf_counter()
    services.recompute_statuses(agent_ids, today=TODAY, remediate=False)
    db.session.commit()
    return time.perf_counter() - started


def measure(app, email: str, requests: int, path: str = "/standards/team") -> tuple[float, int]:
    """Median server time (ms) of the page and its SQL statement count."""
    from app.extensions import db
    from tests.query_counter import count_queries

    client = app.test_client()
    response = client.post("/login", data={"email": email, "password": PASSWORD})
    assert response.status_code == 302, "sign-in failed"
    assert client.get(path).status_code == 200  # warm the template cache
    timings = []
    for _ in range(requests):
        started = time.perf_counter()
        assert client.get(path).status_code == 200
        timings.append((time.perf_counter() - started) * 1000)
    with app.app_context():
        engine = db.engine
    with count_queries(engine) as counter:
        client.get(path)
    return statistics.median(timings), counter.count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--agents", type=int, default=50)
    parser.add_argument("--requests", type=int, default=15)
    args = parser.parse_args()
    rng = random.Random(2026)
    with temp_database() as (url, _folder):
        app = make_app(url)
        with app.app_context():
            load_content()
            from app.standards import services

            standards = len(services.standards_of(services.current_version()))
            big_email, big = make_team("big", args.agents)
            small_email, small = make_team("small", 5)
            started = time.perf_counter()
            items = add_evidence(big, big_email, rng) + add_evidence(small, small_email, rng)
            built = time.perf_counter() - started
            recompute = build_history(big)
            build_history(small)
        big_ms, big_queries = measure(app, big_email, args.requests)
        small_ms, small_queries = measure(app, small_email, args.requests)
        _report(args.agents, standards, items, built, recompute, big_ms, big_queries,
                small_ms, small_queries)  # fmt: skip


def _report(agents, standards, items, built, recompute, big_ms, big_q, small_ms, small_q):
    verdict = "OK" if big_ms < 100 else "OVER TARGET"
    print(f"heatmap bench: {agents} agents x {standards} standards, one year of evidence "
          f"({items:,} evidence rows, built in {built:.1f} s)")  # fmt: skip
    print(f"  heatmap, {agents} agents: median {big_ms:.1f} ms server time, "
          f"{big_q} SQL queries  [target < 100 ms: {verdict}]")  # fmt: skip
    print(f"  heatmap, 5 agents:  median {small_ms:.1f} ms server time, {small_q} SQL queries")
    print(f"  query count independent of team size: {'yes' if big_q == small_q else 'NO'}")
    print(f"  nightly recomputation of {agents} agents: {recompute * 1000:.0f} ms")


if __name__ == "__main__":
    main()
