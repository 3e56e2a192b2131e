"""Scale on PostgreSQL: the HR report, its CSV export and the agent home with 100,000 agents and
2 million attempts.

Creates its own database on a PostgreSQL server (refuses SQLite), migrates it, syncs the shipped
content and loads the demo company (about ten agents); measures the pages; then adds agents in
teams of 20 under their own managers and departments, their attempts, course completions,
certificates (expired, expiring, revoked, valid) and certification standings, in bulk with COPY
(psycopg 3); counts the report's totals again (the app keeps them as counts, and COPY passes it
by); and measures again. Prints:

- seeding time per table, and the time to count the report's totals again;
- HR report, first page: median server time and SQL queries, small and large; and at the large
  size, its first page sorted by each column, each way;
- CSV export of the whole report: time to first byte, time in all, rows, and how far the
  process's resident memory grew while it streamed (peak, sampled at every chunk);
- agent home (a demo agent whose own history does not change) and the manager dashboard:
  median server time and SQL queries, small and large.

Pages are requested in process through the test client with the page store off (what rendering
costs, not what a kept page costs); the database is dropped at the end unless --keep.

    python -m bench.bench_scale [--database-url postgresql://...] [--agents 100000]
                                [--attempts 2000000] [--runs 7] [--keep]

The URL comes from --database-url, else $KHIDMA_SCALE_DATABASE_URL, else
postgresql://postgres@127.0.0.1:5432/khidma_scale; its database is dropped and created afresh.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta

import psycopg
from psycopg import sql
from sqlalchemy.engine import make_url

from bench.common import REPO_ROOT, bench_env, flask

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/khidma_scale"
DEMO_PASSWORD = "khidma-demo-2026"
PAGES = [
    ("agent home", "/", "noura@demo.sahabnet.example"),
    ("manager dashboard", "/team", "maha@demo.sahabnet.example"),
    ("HR report, first page", "/certification/report", "hr@demo.sahabnet.example"),
]
HR = PAGES[-1][2]
TEAM_SIZE = 20
DEPARTMENTS = 20
TARGETS = {"report_ms": 150, "ttfb_s": 1.0}
NOW = datetime.now(UTC).replace(microsecond=0)


def database_url(given: str | None) -> str:
    url = given or os.environ.get("KHIDMA_SCALE_DATABASE_URL") or DEFAULT_URL
    if make_url(url).get_backend_name() != "postgresql":
        raise SystemExit(f"bench_scale measures PostgreSQL; refusing {make_url(url).drivername}")
    return url


def _conninfo(url: str, database: str | None = None) -> str:
    parts = make_url(url).set(drivername="postgresql")
    if database:
        parts = parts.set(database=database)
    return parts.render_as_string(hide_password=False)


def recreate_database(url: str, drop_only: bool = False) -> None:
    name = make_url(url).database
    with psycopg.connect(_conninfo(url, "postgres"), autocommit=True) as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
            sql.Identifier(name)))  # fmt: skip
        if not drop_only:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def prepare(url: str) -> None:
    env = {**bench_env(url), "RUBRIC_WARMUP": "0"}
    for args in (("db", "upgrade"), ("content", "sync"), ("demo", "load")):
        flask(env, *args)
    _analyze(url)  # the small database is measured with statistics too, as the large one


def _analyze(url: str) -> None:
    with psycopg.connect(_conninfo(url), autocommit=True) as connection:
        connection.execute("VACUUM ANALYZE")


def make_app(url: str):
    from app import create_app
    from config import Config, normalise_database_url
    from tests.conftest import IsolatedClient

    attrs = {"SQLALCHEMY_DATABASE_URI": normalise_database_url(url), "SECRET_KEY": "bench",
             "WTF_CSRF_ENABLED": False, "PAGE_CACHE_ENABLED": False,
             "CONTENT_DIR": REPO_ROOT}  # fmt: skip
    app = create_app(type("ScaleConfig", (Config,), attrs))
    app.test_client_class = IsolatedClient  # a fresh `g` per request, as under a real server
    return app


def signed_in(app, email: str):
    client = app.test_client()
    response = client.post("/login", data={"email": email, "password": DEMO_PASSWORD})
    if response.status_code != 302:
        raise SystemExit(f"bench failed: {email} could not sign in ({response.status_code})")
    return client


def measure_pages(app, runs: int) -> dict[str, tuple[float, int]]:
    """Median milliseconds and SQL statements of each page, rendered afresh."""
    from app.extensions import db
    from tests.query_counter import count_queries

    found = {}
    for label, path, email in PAGES:
        client = signed_in(app, email)
        median = median_ms(client, path, runs)
        with app.app_context():
            engine = db.engine
        with count_queries(engine) as counter:
            client.get(path)
        found[label] = (median, counter.count)
    return found


def median_ms(client, path: str, runs: int) -> float:
    """Median milliseconds of `runs` views of a page, after one that must answer 200."""
    if (status := client.get(path).status_code) != 200:
        raise SystemExit(f"bench failed: {path} answered {status}, not 200")
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        client.get(path)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def _rss() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def csv_figures(app) -> dict:
    """The whole report as CSV: first byte, all, rows, size and resident memory growth."""
    client = signed_in(app, HR)
    before = _rss()
    peak = before
    start = time.perf_counter()
    response = client.get("/reports/certification.csv", buffered=False)
    chunks = iter(response.response)
    first = next(chunks)
    ttfb = time.perf_counter() - start
    size, lines = len(first), first.count(b"\n")
    for chunk in chunks:
        size += len(chunk)
        lines += chunk.count(b"\n")
        peak = max(peak, _rss())
    response.close()
    return {"ttfb_s": ttfb, "total_s": time.perf_counter() - start, "rows": lines - 1,
            "mib": size / 2**20, "rss_mib": before / 2**20,
            "rss_growth_mib": (peak - before) / 2**20}  # fmt: skip


# --- seeding -------------------------------------------------------------------------------


def _copy(cursor, table: str, columns: tuple[str, ...], rows) -> int:
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(table), sql.SQL(", ").join(map(sql.Identifier, columns)))  # fmt: skip
    count = 0
    with cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row(row)
            count += 1
    return count


def _ids(cursor, query: str) -> list[int]:
    return [row[0] for row in cursor.execute(query)]


USER_COLUMNS = ("employee_no", "email", "name_ar", "name_en", "role", "department_id", "team_id",
                "hire_date", "locale", "active", "session_version", "created_at")  # fmt: skip


def _people(prefix: str, role: str, count: int, place) -> object:
    for n in range(count):
        department_id, team_id = place(n)
        yield (f"{prefix}{n:07d}", f"{prefix.lower()}{n}@scale.example", f"موظف {prefix}{n}",
               f"Person {prefix}{n:07d}", role, department_id, team_id,
               date(2020, 1, 1) + timedelta(days=n % 1500), "ar", True, 1, NOW)  # fmt: skip


def seed_org(cursor, agents: int) -> list[int]:
    """Departments, one manager per team of TEAM_SIZE agents, the teams, then the agents."""
    _copy(cursor, "department", ("code", "name_ar", "name_en"),
          ((f"scale-{n}", f"إدارة {n}", f"Department {n}") for n in range(DEPARTMENTS)))  # fmt: skip
    departments = _ids(cursor, "SELECT id FROM department WHERE code LIKE 'scale-%' ORDER BY id")
    teams = -(-agents // TEAM_SIZE)
    _copy(cursor, "user", USER_COLUMNS,
          _people("SM", "manager", teams, lambda n: (departments[n % DEPARTMENTS], None)))  # fmt: skip
    managers = _ids(cursor, "SELECT id FROM \"user\" WHERE employee_no LIKE 'SM%' ORDER BY id")
    _copy(cursor, "team", ("code", "name_ar", "name_en", "department_id", "manager_id"),
          ((f"scale-{n}", f"فريق {n}", f"Team {n:05d}", departments[n % DEPARTMENTS], managers[n])
           for n in range(teams)))  # fmt: skip
    team_ids = _ids(cursor, "SELECT id FROM team WHERE code LIKE 'scale-%' ORDER BY id")

    def place(n):
        team = (n // TEAM_SIZE) % teams
        return departments[team % DEPARTMENTS], team_ids[team]

    _copy(cursor, "user", USER_COLUMNS, _people("SA", "agent", agents, place))
    return _ids(cursor, "SELECT id FROM \"user\" WHERE employee_no LIKE 'SA%' ORDER BY id")


def seed_attempts(cursor, agent_ids: list[int], attempts: int, rng) -> int:
    versions = cursor.execute(
        "SELECT id, current_version_id FROM quiz WHERE active AND current_version_id IS NOT NULL"
    ).fetchall()
    columns = ("user_id", "quiz_id", "quiz_version_id", "idempotency_key", "started_at",
               "submitted_at", "locale", "auto_score", "auto_passed", "pass_mark")  # fmt: skip

    def rows():
        for n in range(attempts):
            quiz_id, version_id = versions[n % len(versions)]
            submitted = NOW - timedelta(minutes=rng.randrange(0, 400 * 24 * 60))
            score = rng.randrange(30, 101)
            yield (agent_ids[rng.randrange(len(agent_ids))], quiz_id, version_id, f"s{n}",
                   submitted - timedelta(minutes=12), submitted, "ar", float(score), score >= 70,
                   70)  # fmt: skip

    return _copy(cursor, "attempt", columns, rows())


def seed_progress(cursor, agent_ids: list[int], rng) -> dict[str, int]:
    """Course completions, certificates in every state, one standing per agent and
    certification."""
    courses = [row[0] for row in cursor.execute("SELECT id FROM course ORDER BY position")]
    certifications = _ids_text(cursor, "SELECT id FROM certification WHERE active ORDER BY id")
    done = _copy(cursor, "course_completion", ("user_id", "course_id", "completed_at"),
                 ((user_id, course, NOW) for user_id in agent_ids
                  for course in courses[: rng.randrange(len(courses) + 1)]))  # fmt: skip
    first_id = cursor.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM certificate").fetchone()[0]
    certificates, standings = [], []
    for user_id in agent_ids:
        for cert_id in certifications:
            certificate_id = None
            if rng.random() < 0.4:
                certificate_id = first_id + len(certificates)
                issued = NOW.date() - timedelta(days=rng.randrange(0, 420))
                certificates.append((certificate_id, user_id, cert_id, f"SC{certificate_id:09d}",
                                     f"scale:{certificate_id}", NOW, issued,
                                     issued + timedelta(days=365), "2026.1",
                                     NOW if rng.random() < 0.02 else None))  # fmt: skip
            standings.append((user_id, cert_id, 1, 2, rng.choice((0, 0, 50, 100)),
                              certificate_id, NOW))  # fmt: skip
    _copy(cursor, "certificate", ("id", "user_id", "certification_id", "code", "issue_key",
                                  "issued_at", "valid_from", "expires_on", "standards_version",
                                  "revoked_at"), certificates)  # fmt: skip
    cursor.execute("SELECT setval(pg_get_serial_sequence('certificate', 'id'), "
                   "(SELECT MAX(id) FROM certificate))")  # fmt: skip
    _copy(cursor, "certification_standing", ("user_id", "certification_id", "met", "total",
                                             "percent", "certificate_id", "evaluated_at"),
          standings)  # fmt: skip
    return {"completions": done, "certificates": len(certificates), "standings": len(standings)}


def _ids_text(cursor, query: str) -> list[str]:
    return [row[0] for row in cursor.execute(query)]


def seed(url: str, agents: int, attempts: int, rng) -> None:
    started = time.perf_counter()
    with psycopg.connect(_conninfo(url)) as connection, connection.cursor() as cursor:
        agent_ids = seed_org(cursor, agents)
        org = time.perf_counter()
        print(f"seeded {len(agent_ids):,} agents, {-(-agents // TEAM_SIZE):,} teams and managers, "
              f"{DEPARTMENTS} departments: {org - started:.1f} s", flush=True)  # fmt: skip
        count = seed_attempts(cursor, agent_ids, attempts, rng)
        tried = time.perf_counter()
        print(f"seeded {count:,} attempts: {tried - org:.1f} s", flush=True)
        progress = seed_progress(cursor, agent_ids, rng)
        connection.commit()
        done = time.perf_counter()
        print(f"seeded {progress['completions']:,} course completions, "
              f"{progress['certificates']:,} certificates, {progress['standings']:,} standings: "
              f"{done - tried:.1f} s", flush=True)  # fmt: skip
    _analyze(url)
    print(f"seeding in all, with VACUUM ANALYZE: {time.perf_counter() - started:.1f} s")


def recount(app) -> None:
    """The report's totals are kept as counts by the app's sessions; rows written with COPY
    are counted once, as after a bulk import."""
    from app.certification import counts
    from app.extensions import db

    started = time.perf_counter()
    with app.app_context():
        buckets = counts.rebuild(db.session)
        db.session.commit()
    print(f"report totals counted again ({buckets:,} buckets): "
          f"{time.perf_counter() - started:.1f} s")  # fmt: skip


def measure_sorts(app, runs: int) -> dict[str, float]:
    """Median milliseconds of the HR report's first page sorted by each column, each way."""
    from app.certification.report import SORTS

    client, found = signed_in(app, HR), {}
    sorts = [(key, f"sort={key}") for key in SORTS]
    sorts.append(("percent, in progress only", "sort=percent&status=in_progress"))
    for label, query in sorts:
        for descending in (False, True):
            path = f"/certification/report?{query}" + ("&descending=1" if descending else "")
            found[f"{label}{' descending' if descending else ''}"] = median_ms(client, path, runs)
    return found


def report_sorts(sorts: dict[str, float], agents: int) -> None:
    print(
        f"\nHR report first page at {agents:,} agents, sorted by (median ms, target "
        f"< {TARGETS['report_ms']}): " + ", ".join(f"{k} {ms:.1f}" for k, ms in sorts.items())
    )


def report(small: dict, large: dict, agents: int, small_agents: int, export: dict) -> None:
    print(f"\n{'page':24} {'ms @' + format(small_agents, ','):>12} {'ms @' + format(agents, ','):>14}"
          f" {'queries @' + format(small_agents, ','):>14} {'queries @' + format(agents, ','):>18}")  # fmt: skip
    for label, (ms, queries) in small.items():
        big_ms, big_queries = large[label]
        print(f"{label:24} {ms:12.1f} {big_ms:14.1f} {queries:14} {big_queries:18}")
    report_ms, report_queries = large["HR report, first page"]
    print(f"HR report first page at {agents:,} agents: {report_ms:.1f} ms, {report_queries} "
          f"queries (target < {TARGETS['report_ms']} ms)")  # fmt: skip
    home = small["agent home"][0], large["agent home"][0]
    print(f"agent home: {home[0]:.1f} ms at {small_agents:,} agents, {home[1]:.1f} ms at "
          f"{agents:,} (ratio {home[1] / home[0]:.2f}, target about 1)")  # fmt: skip
    print(f"CSV export ({export['rows']:,} rows, {export['mib']:.1f} MiB): first byte "
          f"{export['ttfb_s'] * 1000:.0f} ms, all {export['total_s']:.1f} s, peak RSS growth "
          f"{export['rss_growth_mib']:.1f} MiB (resident before: {export['rss_mib']:.0f} MiB)")  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url")
    parser.add_argument("--agents", type=int, default=100_000)
    parser.add_argument("--attempts", type=int, default=2_000_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()
    url = database_url(args.database_url)
    recreate_database(url)
    try:
        prepare(url)
        app = make_app(url)
        small_agents = _agent_count(app)
        small = measure_pages(app, args.runs)
        seed(url, args.agents, args.attempts, random.Random(2026))
        recount(app)
        large = measure_pages(app, args.runs)
        sorts = measure_sorts(app, args.runs)
        export = csv_figures(app)
        report(small, large, _agent_count(app), small_agents, export)
        report_sorts(sorts, _agent_count(app))
        _dispose(app)
    finally:
        if not args.keep:
            recreate_database(url, drop_only=True)
    return 0


def _agent_count(app) -> int:
    from app.extensions import db
    from app.people.models import User

    with app.app_context():
        return db.session.scalar(db.select(db.func.count(User.id)).where(User.role == "agent"))


def _dispose(app) -> None:
    from app.extensions import db

    with app.app_context():
        db.session.remove()
        db.engine.dispose()


if __name__ == "__main__":
    sys.exit(main())
