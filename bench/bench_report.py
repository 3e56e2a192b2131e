"""Benchmark of the HR certification report and its exports.

Builds a temporary SQLite database with 10,000 agents and 200,000 quiz attempts, then prints:
the first report page's server time and SQL query count (the same at 10 and at 10,000
agents), the CSV export's time to first byte and in all, the CSV export's Python heap peak
for 100,000 rows (tracemalloc), and the XLSX export time.

    python bench/bench_report.py [--agents 10000] [--attempts 200000] [--runs 5]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
import tracemalloc
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from sqlalchemy import insert  # noqa: E402

from app import create_app  # noqa: E402
from app.auth.services import hash_password  # noqa: E402
from app.certification import counts, report  # noqa: E402
from app.certification.models import Certificate, Certification, CertificationStanding  # noqa: E402
from app.courses.models import Course, CourseCompletion  # noqa: E402
from app.extensions import db  # noqa: E402
from app.people.models import Department, Team, User  # noqa: E402
from app.quizzes.models import Attempt, Quiz, QuizVersion  # noqa: E402
from app.reports import exports  # noqa: E402
from config import TestConfig  # noqa: E402
from tests.query_counter import count_queries  # noqa: E402

TODAY = date(2026, 6, 1)
NOW = datetime(2026, 6, 1, 6, 0, tzinfo=UTC)
COURSES = ("product-basics", "communication", "complaint-handling", "service-standards")
PASSWORD = "bench-password-123"
TARGETS = {"page_ms": 150, "queries": 10, "ttfb_s": 1.0, "csv_s": 3.0, "heap_mib": 10}


def make_app(folder: Path):
    attrs = {
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.sqlite3'}",
        "FIXED_NOW": NOW, "CONTENT_DIR": REPO_ROOT, "BABEL_DEFAULT_LOCALE": "en",
        # What rendering the report costs, every time: bench_pages measures it as served.
    }  # fmt: skip
    return create_app(type("BenchConfig", (TestConfig,), attrs))


def build_catalogue(extra_certifications: int = 0) -> None:
    """Courses, quizzes and certifications as rows (the bench does not depend on content)."""
    for position, course_id in enumerate(COURSES):
        title = {"ar": f"دورة {position + 1}", "en": f"Course {position + 1}"}
        db.session.add(Course(id=course_id, tier=position + 1, position=position, title=title,
                              summary=title, quiz_ids=[f"{course_id}-quiz"]))  # fmt: skip
        db.session.add(Quiz(id=f"{course_id}-quiz", course_id=course_id, title=title))
        db.session.flush()
        db.session.add(QuizVersion(quiz_id=f"{course_id}-quiz", digest="d", definition={}))
    add_certifications(0, 3)
    db.session.commit()


def add_certifications(first: int, count: int) -> list[str]:
    ids = []
    for n in range(first, first + count):
        ids.append(f"level-{n + 1}")
        db.session.add(Certification(
            id=ids[-1], position=n, title={"ar": f"المستوى {n + 1}", "en": f"Level {n + 1}"},
            summary={"en": "-"}, requirements={"courses": [COURSES[n % 4]]}, valid_for_days=365,
            renew_window_days=45, refresher_courses=[COURSES[n % 4]],
        ))  # fmt: skip
    db.session.flush()
    return ids


def build_people(first: int, count: int, teams: list[int]) -> list[int]:
    rows = [
        {"employee_no": f"A{n:06d}", "email": f"agent{n}@bench.example", "name_ar": f"موظف {n}",
         "name_en": f"Agent {n:06d}", "role": "agent", "team_id": teams[n % len(teams)],
         "department_id": 1 + n % 2, "hire_date": date(2022, 1, 1), "locale": "ar",
         "active": True, "session_version": 1, "created_at": NOW}
        for n in range(first, first + count)
    ]  # fmt: skip
    db.session.execute(insert(User), rows)
    return [r[0] for r in db.session.execute(
        db.select(User.id).where(User.employee_no.in_([r["employee_no"] for r in rows]))
    )]  # fmt: skip


def build_org(managers: int = 50) -> list[int]:
    for code, en, ar in (("care", "Care", "الرعاية"), ("tech", "Technical", "الدعم")):
        db.session.add(Department(code=code, name_en=en, name_ar=ar))
    db.session.flush()
    teams = []
    for n in range(managers):
        manager = User(employee_no=f"M{n:04d}", email=f"m{n}@bench.example", name_en=f"Manager {n}",
                       name_ar=f"مدير {n}", role="manager", hire_date=date(2020, 1, 1))  # fmt: skip
        db.session.add(manager)
        db.session.flush()
        team = Team(code=f"t{n}", name_en=f"Team {n}", name_ar=f"فريق {n}",
                    department_id=1 + n % 2, manager_id=manager.id)  # fmt: skip
        db.session.add(team)
        db.session.flush()
        teams.append(team.id)
    hr = User(employee_no="H0001", email="hr@bench.example", name_en="HR", role="hr",
              hire_date=date(2020, 1, 1), password_hash=hash_password(PASSWORD))  # fmt: skip
    db.session.add(hr)
    db.session.commit()
    return teams


def build_progress(agent_ids: list[int], certification_ids: list[str], attempts: int, rng) -> None:
    """Attempts, completions, certificates in every state, and one standing per cell."""
    versions = dict(db.session.execute(db.select(QuizVersion.quiz_id, QuizVersion.id)).all())
    quiz_ids = list(versions)
    rows = []
    for n in range(attempts):
        quiz_id = rng.choice(quiz_ids)
        rows.append({"user_id": rng.choice(agent_ids), "quiz_id": quiz_id,
                     "quiz_version_id": versions[quiz_id], "idempotency_key": f"b{n}",
                     "started_at": NOW, "submitted_at": NOW - timedelta(minutes=n % 50000),
                     "locale": "ar", "auto_score": 80.0, "auto_passed": n % 3 != 0,
                     "pass_mark": 70})  # fmt: skip
        if len(rows) == 20000:
            db.session.execute(insert(Attempt), rows)
            rows = []
    if rows:
        db.session.execute(insert(Attempt), rows)
    completions = [
        {"user_id": user_id, "course_id": course_id, "completed_at": NOW}
        for user_id in agent_ids
        for course_id in COURSES[: rng.randint(0, 4)]
    ]
    db.session.execute(insert(CourseCompletion), completions)
    add_standings(agent_ids, certification_ids, rng)
    counts.rebuild(db.session)  # rows inserted in bulk: the report's totals counted again
    db.session.commit()


def add_standings(agent_ids: list[int], certification_ids: list[str], rng) -> None:
    standings = []
    for user_id in agent_ids:
        for cert_id in certification_ids:
            certificate_id = None
            if rng.random() < 0.4:
                certificate_id = _certificate(user_id, cert_id, rng)
            standings.append({"user_id": user_id, "certification_id": cert_id,
                              "met": 0, "total": 1, "percent": rng.choice((0, 0, 50, 100)),
                              "certificate_id": certificate_id, "evaluated_at": NOW})  # fmt: skip
    db.session.execute(insert(CertificationStanding), standings)


def _certificate(user_id: int, cert_id: str, rng) -> int:
    issued = TODAY - timedelta(days=rng.randint(0, 400))
    result = db.session.execute(insert(Certificate).values(
        user_id=user_id, certification_id=cert_id, code=f"{user_id:06d}-{cert_id}"[:20],
        issue_key=f"{user_id}:{cert_id}:first", issued_at=NOW, valid_from=issued,
        expires_on=issued + timedelta(days=365), standards_version="2026.1",
        revoked_at=NOW if rng.random() < 0.02 else None,
    ))  # fmt: skip
    return result.inserted_primary_key[0]


def signed_in_client(app):
    client = app.test_client()
    response = client.post("/login", data={"email": "hr@bench.example", "password": PASSWORD})
    assert response.status_code == 302, "sign-in failed"
    return client


def page_figures(app, client, runs: int) -> tuple[float, int]:
    client.get("/certification/report")  # warm the caches once
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get("/certification/report")
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    with app.app_context():
        engine = db.engine
    with count_queries(engine) as counter:
        client.get("/certification/report")
    return statistics.median(times), counter.count


def csv_figures(client) -> tuple[float, float, int]:
    start = time.perf_counter()
    response = client.get("/reports/certification.csv", buffered=False)
    chunks = iter(response.response)
    first = next(chunks)
    ttfb = time.perf_counter() - start
    size = len(first) + sum(len(chunk) for chunk in chunks)
    response.close()
    return ttfb, time.perf_counter() - start, size


def heap_peak(app, hr_email: str) -> tuple[float, int]:
    """The export's Python heap peak: rows are read and written in batches."""
    with app.test_request_context("/reports/certification.csv"):
        viewer = db.session.scalar(db.select(User).where(User.email == hr_email))
        labels = {key: str(label) for key, label in report.STATUS_LABELS.items()}
        rows = report.iter_rows(viewer, report.ReportFilter(), TODAY, "ar", "2026.1")
        tracemalloc.start()
        count = 0
        for chunk in exports.csv_stream(rows, labels):
            count += chunk.count("\n")
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return peak / 2**20, count


def xlsx_seconds(client) -> float:
    start = time.perf_counter()
    response = client.get("/reports/certification.xlsx")
    assert response.status_code == 200
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agents", type=int, default=10000)
    parser.add_argument("--attempts", type=int, default=200000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    rng = random.Random(2026)
    with tempfile.TemporaryDirectory() as folder:
        return run(make_app(Path(folder)), args, rng)


def run(app, args, rng) -> int:
    """Data is built inside an app context; requests run outside it, each in its own, as a
    server would serve them (nothing cached from one to the next)."""
    certs = ["level-1", "level-2", "level-3"]
    with app.app_context():
        db.create_all()
        build_catalogue()
        teams = build_org()
        build_progress(build_people(0, 10, teams), certs, 200, rng)
    client = signed_in_client(app)
    _small_ms, small_queries = page_figures(app, client, 2)

    started = time.perf_counter()
    with app.app_context():
        rest = build_people(10, args.agents - 10, teams)
        build_progress(rest, certs, args.attempts, rng)
    print(f"built {args.agents:,} agents and {args.attempts:,} attempts in "
          f"{time.perf_counter() - started:.1f} s")  # fmt: skip
    page_ms, queries = page_figures(app, client, args.runs)
    ttfb, csv_total, size = csv_figures(client)
    xlsx = xlsx_seconds(client)
    print(f"report first page: {page_ms:.1f} ms median server time "
          f"(target < {TARGETS['page_ms']} ms)")  # fmt: skip
    print(f"report SQL queries: {queries} at {args.agents:,} agents, {small_queries} at 10 "
          f"(target <= {TARGETS['queries']}, equal)")  # fmt: skip
    print(f"CSV export ({args.agents * 3:,} rows, {size / 2**20:.1f} MiB): first byte "
          f"{ttfb * 1000:.0f} ms (target < 1 s), all {csv_total:.2f} s (target < 3 s)")  # fmt: skip
    print(f"XLSX export ({args.agents * 3:,} rows): {xlsx:.2f} s")
    hundred_k(app, client, args, rng)
    return 0


def hundred_k(app, client, args, rng) -> None:
    """Seven more certifications: 10 x 10,000 = 100,000 rows for the heap and export figures."""
    with app.app_context():
        extra = add_certifications(3, 7)
        agents = list(db.session.scalars(db.select(User.id).where(User.role == "agent")))
        add_standings(agents, extra, rng)
        counts.rebuild(db.session)
        db.session.commit()
    peak, lines = heap_peak(app, "hr@bench.example")
    ttfb, csv_total, _size = csv_figures(client)
    xlsx = xlsx_seconds(client)
    print(f"CSV export heap peak for {lines - 3:,} rows: {peak:.2f} MiB "
          f"(target < {TARGETS['heap_mib']} MiB)")  # fmt: skip
    print(
        f"CSV export ({lines - 3:,} rows): first byte {ttfb * 1000:.0f} ms, all {csv_total:.2f} s"
    )
    print(f"XLSX export ({lines - 3:,} rows): {xlsx:.2f} s")


if __name__ == "__main__":
    sys.exit(main())
