"""Pages under load: requests per second of the main pages as a share of a bare view (/health)
served by the same gunicorn (2 sync workers) under the same wrk load (2 threads, 32
connections), and SQL queries per page at 10 and at 10,000 agents.

Each page is measured rendered (every request renders it) and asked again with the ETag it was
given (If-None-Match), as a browser revalidating the copy it kept does: those answers are 304s
decided before rendering (app/page_cache). Query counts are given for both.

Every answer under load is checked (a wrk script counts statuses): a page that answers anything
but 200 (or anything but 304 where a 304 is expected) fails the bench by name.

Run: .venv/bin/python -m bench.bench_pages
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import insert, select

from bench.common import (
    bench_env,
    check_answers,
    flask,
    served,
    session_cookie,
    temp_database,
    wrk,
)

DEMO_PASSWORD = "khidma-demo-2026"
AGENT = "noura@demo.sahabnet.example"
MANAGER = "maha@demo.sahabnet.example"
HR = "hr@demo.sahabnet.example"


def prepare(database_url: str) -> dict:
    env = bench_env(database_url)
    for args in (("db", "upgrade"), ("content", "sync"), ("demo", "load")):
        flask(env, *args)
    return env


def add_agents(database_url: str, total: int) -> None:
    """Bring the installation to `total` agents in teams of 50, in bulk."""
    from app import create_app
    from app.certification import counts
    from app.extensions import db
    from app.people.models import Department, Team, User
    from config import Config

    config = type("BenchConfig", (Config,), {"SQLALCHEMY_DATABASE_URI": database_url,
                                              "SECRET_KEY": "bench"})  # fmt: skip
    app = create_app(config)
    with app.app_context():
        existing = db.session.scalar(select(db.func.count(User.id)).where(User.role == "agent"))
        dept = db.session.scalar(select(Department).limit(1))
        rows, team_id = [], None
        for n in range(existing, total):
            if n % 50 == 0 or team_id is None:
                team_id = db.session.execute(insert(Team).values(
                    code=f"bench-{n}", name_ar=f"فريق {n}", name_en=f"Team {n}",
                    department_id=dept.id,
                )).inserted_primary_key[0]  # fmt: skip
            rows.append({
                "employee_no": f"B{n:06d}", "email": f"agent{n}@bench.example", "name_ar": f"موظف {n}",
                "name_en": f"Agent {n}", "role": "agent", "team_id": team_id,
                "department_id": dept.id, "hire_date": date.today() - timedelta(days=n % 700),
                "locale": "ar", "active": True, "session_version": 1,
            })  # fmt: skip
        if rows:
            db.session.execute(insert(User), rows)
        counts.rebuild(db.session)  # people inserted in bulk: the report's totals counted again
        db.session.commit()


# No write happens during the runs, so a page's ETag turns over only with its time window
# (every PAGE_ETAG_SECONDS, at an offset per reader: app/page_cache/pages.py) and with the day
# (at local midnight). With an hour's window, one reader's turnover fell inside a run at 20:00
# on 2026-12-06 and every later answer of that run was a 200: with thirty days, only the day's
# change is left, which a run of a few minutes meets about once in 300 to 1,500 runs.
ETAG_SECONDS = 30 * 86400
PAGES = [
    ("agent home", "/", AGENT),
    ("lesson", "/courses/product-basics/lessons/why-service-matters", AGENT),
    ("manager dashboard", "/team", MANAGER),
    ("HR report, first page", "/certification/report", HR),
]


def query_counts(database_url: str, conditional: bool) -> dict[str, int]:
    """SQL statements per page, counted in-process through the test client: of a page rendered,
    or (`conditional`) of the 304 answered to the ETag it was given."""
    from app import create_app
    from app.extensions import db
    from config import Config
    from tests.conftest import IsolatedClient
    from tests.query_counter import count_queries

    config = type("BenchConfig", (Config,), {"SQLALCHEMY_DATABASE_URI": database_url,
                                              "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False,
                                              "PAGE_ETAG_SECONDS": ETAG_SECONDS})  # fmt: skip
    app = create_app(config)
    app.test_client_class = IsolatedClient  # a fresh `g` per request, as under a real server
    counts = {}
    with app.app_context():
        for label, path, email in PAGES:
            client = app.test_client()
            client.post("/login", data={"email": email, "password": DEMO_PASSWORD})
            first = client.get(path)  # warm caches the same way for both sizes
            if first.status_code != 200:
                raise SystemExit(f"bench failed: {label} ({path}) answered {first.status_code}, "
                                 "not 200")  # fmt: skip
            headers = {"If-None-Match": first.headers["ETag"]} if conditional else {}
            with count_queries(db.engine) as counter:
                status = client.get(path, headers=headers).status_code
            if status != (304 if conditional else 200):
                raise SystemExit(f"bench failed: {label} ({path}) answered {status} when "
                                 f"counted")  # fmt: skip
            counts[label] = counter.count
    return counts


def timed(label: str, url: str, cookie: str | None = None, expected: int = 200,
          headers: dict | None = None) -> dict:  # fmt: skip
    """wrk figures of one address; fails the bench, by name, if any answer under load is not
    `expected` (an error, or a redirect to the sign-in page, is never timed as the page)."""
    check_answers(url, cookie, expected, headers)
    result = wrk(url, cookie, expected=expected, headers=headers)
    if result["unexpected"]:
        raise SystemExit(f"bench failed: {label} ({url}) answered {result['unexpected']} "
                         f"requests under load with another status than {expected} "
                         f"(last {result['unexpected_status']})")  # fmt: skip
    return result


def throughput(env: dict) -> dict[str, dict]:
    """Each page as a share of the bare view, and each page asked with the ETag it was last
    given (If-None-Match), where every answer must be a 304."""
    rows = {}
    with served(env) as (base, _master):
        baseline = timed("bare view", base + "/health")
        rows["bare view (/health)"] = {**baseline, "ratio": 1.0}
        for label, path, email in PAGES:
            cookie = session_cookie(base, email, DEMO_PASSWORD)
            result = timed(label, base + path, cookie)
            rows[label] = {**result, "ratio": result["rps"] / baseline["rps"]}
            etag = check_answers(base + path, cookie).get("ETag")
            if not etag:
                raise SystemExit(f"bench failed: {label} ({path}) was answered without an ETag")
            result = timed(f"{label}, asked again", base + path, cookie, expected=304,
                           headers={"If-None-Match": etag})  # fmt: skip
            rows[f"{label}, 304"] = {**result, "ratio": result["rps"] / baseline["rps"]}
    return rows


def main() -> dict:
    with temp_database() as (url, _folder):
        env = {**prepare(url), "PAGE_ETAG_SECONDS": str(ETAG_SECONDS)}
        rows = throughput(env)
        # Counted after the load runs, so all counts see the same reading history.
        conditional = query_counts(url, conditional=True)
        small = query_counts(url, conditional=False)
        add_agents(url, 10_000)
        large = query_counts(url, conditional=False)
    print("rendered = every request renders the page; 304 = asked with the ETag it was given")
    print(f"{'page':24} {'rendered':>8} {'ratio':>6} {'p99 ms':>7}   {'304':>6} {'ratio':>6} "
          f"{'p99 ms':>7}   queries: rendered@10, rendered@10000, 304")  # fmt: skip
    for page, row in rows.items():
        if page.endswith(", 304"):
            continue
        other = rows.get(f"{page}, 304", {"rps": 0, "ratio": 0, "p99_ms": 0})
        counts = f"{small.get(page, '-')}  {large.get(page, '-')}  {conditional.get(page, '-')}"
        print(f"{page:24} {row['rps']:8.0f} {row['ratio']:6.2f} {row['p99_ms']:7.1f}   "
              f"{other['rps']:6.0f} {other['ratio']:6.2f} {other['p99_ms']:7.1f}   "
              f"{counts if page in small else '-'}")  # fmt: skip
    return {"rows": rows, "queries_304": conditional, "queries_small": small,
            "queries_large": large}  # fmt: skip


if __name__ == "__main__":
    main()
