"""Reads while writes flow: what people pay under a real mix, not a page kept for a quiet reader.

One gunicorn (2 sync workers) and 32 clients, each signed in as a demo person: agents browse
their home and a lesson, managers their team dashboard, HR the certification report, and about
one request in ten writes (a lesson marked done, a role-play submitted, an assignment made).
First the same 32 clients ask a bare view (/health) as fast as they can, then they run the mix;
reads per second are printed as a ratio to that bare view, with p50 and p99 latencies. Run on
SQLite and (if reachable) on PostgreSQL.

Each mix runs twice against the same server, after the same bare-view phase: once with clients
that behave like browsers (a page answered with an ETag and without `no-store` is kept, and
asked about again with If-None-Match; a 304 counts as a read served), and once with clients
that keep nothing, so that every read is answered in full. A 304 where none was asked for, or
anything but 200 or 304 where one was, fails the bench.

Beside the ratio, each phase prints the CPU time the gunicorn workers (and, on PostgreSQL, the
database's backends) spent per request answered, read from Linux's /proc: other work on a shared
machine moves the ratio a lot from run to run and this much less.

The clients are a Python load generator on 127.0.0.1 (two processes of 16 threads, one
keep-alive connection each): writes need a fresh form token from the page before them, which
wrk cannot carry, and the bare view is measured with the same generator so that the ratio
compares like with like. Each phase is bounded in time and in requests. Any read that does
not answer 200, or write that does not answer its redirect, fails the bench.

Run: .venv/bin/python -m bench.bench_mixed [--seconds 10] [--sqlite-only]
"""

from __future__ import annotations

import argparse
import http.client
import multiprocessing
import os
import random
import re
import statistics
import threading
import time
import urllib.parse
from datetime import date, timedelta

from sqlalchemy import create_engine, text

from bench.bench_pages import DEMO_PASSWORD, PAGES, add_agents
from bench.common import USER_AGENT, bench_env, flask, served, temp_database, worker_pids
from bench.load_quiz import ANSWERS, QUIZ_ID, content_with_load_quiz

CLIENTS = 32
PROCESSES = 2
WRITE_SHARE = 0.10
EXTRA_AGENTS = 200  # people HR can assign courses to, so that assignments keep being made
DOMAIN = "demo.sahabnet.example"
# (role, demo logins, clients): 22 agents, 4 managers, 6 HR sessions
SEATS = [
    ("agent", ["noura", "fahad", "reem", "khalid", "sarah", "omar", "layla", "yousef", "hind",
               "tariq", "mona"], 22),
    ("manager", ["maha", "majed"], 4),
    ("hr", ["hr"], 6),
]  # fmt: skip
READS = {
    "agent": [label for label, _, email in PAGES if email.startswith("noura@")],
    "manager": [label for label, _, email in PAGES if email.startswith("maha@")],
    "hr": [label for label, _, email in PAGES if email.startswith("hr@")],
}
PATHS = {label: path for label, path, _ in PAGES}
LESSON_PATH = PATHS["lesson"]
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
TOKEN = re.compile(r'name="token" value="([^"]+)"')


class BenchFailure(SystemExit):
    pass


class Browser:
    """One person's browser: a keep-alive connection, the session cookie and, when it
    `revalidates`, the ETags of the pages it was allowed to keep."""

    def __init__(self, port: int, cookie: str = "", revalidates: bool = False):
        self.port, self.cookie, self.revalidates = port, cookie, revalidates
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.kept: dict[str, str] = {}  # path -> ETag of the page kept for it
        self.asked = False  # whether the last request sent If-None-Match

    def request(self, method: str, path: str, form: dict | None = None):
        headers = {"User-Agent": USER_AGENT, "Cookie": self.cookie}
        self.asked = self.revalidates and method == "GET" and path in self.kept
        if self.asked:
            headers["If-None-Match"] = self.kept[path]
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
            page = response.read().decode("utf-8", "replace")
        except (OSError, http.client.HTTPException):
            self.connection.close()
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            raise
        for header in response.headers.get_all("Set-Cookie") or []:
            self.cookie = header.split(";", 1)[0]
        if method == "GET" and response.status == 200:
            etag = response.headers.get("ETag")
            if etag and "no-store" not in response.headers.get("Cache-Control", "no-store"):
                self.kept[path] = etag
            else:
                self.kept.pop(path, None)
        return response.status, page

    def sign_in(self, email: str, form_page: str) -> str:
        """Sign in; returns the session's form token, read from `form_page`."""
        _, page = self.request("GET", "/login")
        form = {"email": email, "password": DEMO_PASSWORD, "csrf_token": CSRF.search(page)[1]}
        status, _ = self.request("POST", "/login", form)
        if status != 302:
            raise BenchFailure(f"bench_mixed: signing in as {email} answered {status}")
        status, page = self.request("GET", form_page)
        if status != 200 or not CSRF.search(page):
            raise BenchFailure(f"bench_mixed: {form_page} answered {status} to {email}")
        return CSRF.search(page)[1]


# --- one client's loop, run in a thread of a load process --------------------------------------


def _write(browser: Browser, seat: dict, rng: random.Random, record) -> None:
    if seat["role"] == "agent" and rng.random() < 0.5:
        path = LESSON_PATH + "/done"
        started = time.perf_counter()
        status, _ = browser.request("POST", path, {"csrf_token": seat["csrf"]})
        record("write: lesson done", status, time.perf_counter() - started, 302)
    elif seat["role"] == "agent":
        started = time.perf_counter()
        status, page = browser.request("GET", f"/quizzes/{QUIZ_ID}")
        record("quiz page, before a role-play", status, time.perf_counter() - started, 200)
        form = {"token": TOKEN.search(page)[1], "csrf_token": CSRF.search(page)[1], **ANSWERS}
        started = time.perf_counter()
        status, _ = browser.request("POST", f"/quizzes/{QUIZ_ID}/submit", form)
        record("write: role-play submitted", status, time.perf_counter() - started, 302)
    else:
        form = {"course_ids": rng.choice(seat["courses"]), "user_ids": rng.choice(seat["agents"]),
                "due_date": (date.today() + timedelta(days=rng.randint(7, 90))).isoformat(),
                "note": "", "csrf_token": seat["csrf"],
                # a course whose prerequisites are not done is assigned with them (no warning page)
                "prerequisites": "with"}  # fmt: skip
        started = time.perf_counter()
        status, _ = browser.request("POST", "/assignments/new", form)
        record("write: assignment made", status, time.perf_counter() - started, 302)


def _client(port, seat, phase, until, max_requests, seed, results, lock) -> None:
    rng = random.Random(seed)
    browser = Browser(port, seat["cookie"], revalidates=phase == "revalidating")
    latencies: dict[str, list[float]] = {}
    failures: list[str] = []
    not_modified = 0

    def record(kind: str, status: int, seconds: float, expected: int) -> None:
        nonlocal not_modified
        latencies.setdefault(kind, []).append(seconds)
        if status == 304 and browser.asked:
            not_modified += 1
        elif status != expected:
            asked = " to If-None-Match" if browser.asked else ""
            failures.append(f"{kind} answered {status}{asked} (expected {expected})")

    done = 0
    while time.time() < until and done < max_requests:
        try:
            if phase == "hello":
                started = time.perf_counter()
                status, _ = browser.request("GET", "/health")
                record("bare view (/health)", status, time.perf_counter() - started, 200)
            elif rng.random() < WRITE_SHARE:
                _write(browser, seat, rng, record)
            else:
                label = rng.choice(READS[seat["role"]])
                started = time.perf_counter()
                status, _ = browser.request("GET", PATHS[label])
                record(label, status, time.perf_counter() - started, 200)
        except (OSError, http.client.HTTPException) as exc:
            failures.append(f"connection failed: {exc!r}")
            break
        done += 1
    with lock:
        for kind, values in latencies.items():
            results["latencies"].setdefault(kind, []).extend(values)
        results["failures"].extend(failures)
        results["not_modified"] += not_modified


def _load_process(port, seats, phase, until, max_requests, seed, queue) -> None:
    results, lock = {"latencies": {}, "failures": [], "not_modified": 0}, threading.Lock()
    threads = [
        threading.Thread(
            target=_client,
            args=(port, seat, phase, until, max_requests, seed * 1000 + n, results, lock),
        )  # fmt: skip
        for n, seat in enumerate(seats)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    queue.put(results)


def drive(port: int, seats: list[dict], phase: str, seconds: float, max_requests: int) -> dict:
    """Run one phase with every seat at once, split over PROCESSES processes."""
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    started = time.time() + 0.5
    until = started + seconds
    processes = [
        context.Process(target=_load_process,
                        args=(port, seats[n::PROCESSES], phase, until, max_requests, n, queue))
        for n in range(PROCESSES)
    ]  # fmt: skip
    for process in processes:
        process.start()
    merged = {"latencies": {}, "failures": [], "not_modified": 0}
    for _ in processes:
        part = queue.get(timeout=seconds + 120)
        for kind, values in part["latencies"].items():
            merged["latencies"].setdefault(kind, []).extend(values)
        merged["failures"].extend(part["failures"])
        merged["not_modified"] += part["not_modified"]
    for process in processes:
        process.join(timeout=30)
    merged["seconds"] = max(time.time() - started, 0.001)
    return merged


# --- preparing an installation and its sessions ------------------------------------------------


def prepare(database_url: str, folder) -> dict:
    env = bench_env(database_url)
    env["KHIDMA_CONTENT_DIR"] = str(content_with_load_quiz(folder / "content"))
    for args in (("db", "upgrade"), ("content", "sync"), ("demo", "load")):
        flask(env, *args)
    add_agents(database_url, EXTRA_AGENTS)
    return env


def _targets(database_url: str) -> dict:
    """Courses that can be assigned, and whom each assigner may assign them to."""
    engine = create_engine(database_url)
    with engine.connect() as connection:
        courses = [row[0] for row in connection.execute(text("SELECT id FROM course WHERE active"))]
        everyone = [row[0] for row in connection.execute(
            text("SELECT id FROM \"user\" WHERE role = 'agent' AND active"))]  # fmt: skip
        teams = dict(connection.execute(text(
            "SELECT m.email, string_agg(CAST(a.id AS TEXT), ',') FROM \"user\" a "
            "JOIN team t ON t.id = a.team_id JOIN \"user\" m ON m.id = t.manager_id "
            "WHERE a.role = 'agent' GROUP BY m.email"
        )).all()) if engine.dialect.name == "postgresql" else dict(connection.execute(text(
            "SELECT m.email, group_concat(a.id) FROM \"user\" a "
            "JOIN team t ON t.id = a.team_id JOIN \"user\" m ON m.id = t.manager_id "
            "WHERE a.role = 'agent' GROUP BY m.email"
        )).all())  # fmt: skip
    engine.dispose()
    return {"courses": courses, "everyone": [str(i) for i in everyone],
            "teams": {email: ids.split(",") for email, ids in teams.items()}}  # fmt: skip


def sign_in_seats(port: int, targets: dict) -> list[dict]:
    seats = []
    for role, logins, count in SEATS:
        for n in range(count):
            email = f"{logins[n % len(logins)]}@{DOMAIN}"
            browser = Browser(port)
            csrf = browser.sign_in(email, LESSON_PATH if role == "agent" else "/assignments/new")
            agents = targets["everyone"] if role == "hr" else targets["teams"].get(email, [])
            seats.append({"role": role, "email": email, "cookie": browser.cookie, "csrf": csrf,
                          "courses": targets["courses"], "agents": agents})  # fmt: skip
            browser.connection.close()
    return seats


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))] * 1000


# --- CPU time per request: what the ratio hides on a machine that other work slows ---------


def _cpu_seconds(pids: list[int]) -> float:
    """User and system CPU time of these processes (Linux /proc), 0 for one that is gone."""
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime in clock ticks
    return total / os.sysconf("SC_CLK_TCK")


def _server_processes(master: int, database_url: str) -> tuple[list[int], list[int]]:
    """The workers of the gunicorn `master`, and the PostgreSQL backends of the bench's
    database (none for SQLite, which runs inside the workers)."""
    workers = worker_pids(master)
    backends: list[int] = []
    if database_url.startswith("postgresql"):
        engine = create_engine(database_url)
        with engine.connect() as connection:
            backends = list(connection.execute(text(
                "SELECT pid FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )).scalars())  # fmt: skip
        engine.dispose()
    return workers, backends


def _timed_drive(port, seats, phase, seconds, max_requests, processes) -> dict:
    workers, backends = processes
    before = _cpu_seconds(workers), _cpu_seconds(backends)
    result = drive(port, seats, phase, seconds, max_requests)
    after = _cpu_seconds(workers), _cpu_seconds(backends)
    answered = max(1, sum(len(v) for v in result["latencies"].values()))
    result["cpu_ms"] = (after[0] - before[0]) * 1000 / answered
    result["database_cpu_ms"] = (after[1] - before[1]) * 1000 / answered
    return result


def measure(env: dict, database_url: str, seconds: float, max_requests: int) -> dict:
    """Bare view, then the mix with clients that keep nothing and with clients that revalidate,
    against one served app; raises BenchFailure on a bad answer. Each phase also reads the CPU
    time that the workers (and PostgreSQL's backends) spent per request answered."""
    with served(env) as (base, master):
        port = int(base.rsplit(":", 1)[1])
        seats = sign_in_seats(port, _targets(database_url))
        drive(port, seats, "mixed", min(seconds, 3), max_requests)  # warm: templates, statements
        processes = _server_processes(master, database_url)  # the pool's connections are made now
        hello = _timed_drive(port, seats, "hello", seconds, max_requests, processes)
        plain = _timed_drive(port, seats, "mixed", seconds, max_requests, processes)
        revalidating = _timed_drive(port, seats, "revalidating", seconds, max_requests, processes)
    for phase in (hello, plain, revalidating):
        if phase["failures"]:
            counts: dict[str, int] = {}
            for failure in phase["failures"]:
                counts[failure] = counts.get(failure, 0) + 1
            listing = "; ".join(f"{n} x {what}" for what, n in sorted(counts.items()))
            raise BenchFailure(f"bench_mixed: unexpected answers: {listing}")
    hello_rps = len(hello["latencies"]["bare view (/health)"]) / hello["seconds"]
    hello_p99 = _percentile(hello["latencies"]["bare view (/health)"], 0.99)
    rows = {
        "browsers revalidating": _figures(revalidating, hello_rps, hello_p99),
        "no revalidation": _figures(plain, hello_rps, hello_p99),
    }
    for row, phase in zip(rows.values(), (revalidating, plain), strict=True):
        row["hello_cpu_ms"] = hello["cpu_ms"]
        row["cpu_ms"], row["database_cpu_ms"] = phase["cpu_ms"], phase["database_cpu_ms"]
    return rows


def _figures(mixed: dict, hello_rps: float, hello_p99: float) -> dict:
    # Reads are the four pages browsed (a 304 included); writes the posts; the quiz page a
    # role-play is typed on counts in the total only.
    reads = [x for kind, v in mixed["latencies"].items() if kind in PATHS for x in v]
    writes = [x for kind, v in mixed["latencies"].items() if kind.startswith("write") for x in v]
    total = sum(len(v) for v in mixed["latencies"].values())
    reads_rps = len(reads) / mixed["seconds"]
    return {
        "hello_rps": hello_rps, "hello_p99_ms": hello_p99,
        "reads_rps": reads_rps, "ratio": reads_rps / hello_rps,
        "reads_p50_ms": statistics.median(reads) * 1000, "reads_p99_ms": _percentile(reads, 0.99),
        "not_modified_share": mixed["not_modified"] / max(1, len(reads)),
        "writes_rps": len(writes) / mixed["seconds"],
        "write_share": len(writes) / max(1, total),
        "writes_p99_ms": _percentile(writes, 0.99) if writes else 0.0,
        "by_kind": {kind: (len(v) / mixed["seconds"], _percentile(v, 0.99))
                    for kind, v in sorted(mixed["latencies"].items())},
    }  # fmt: skip


def _postgres_database() -> str | None:
    name = f"khidma_mixed_{os.getpid()}"
    try:
        admin = create_engine("postgresql+psycopg://postgres@127.0.0.1:5432/postgres",
                              isolation_level="AUTOCOMMIT")  # fmt: skip
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
    except Exception as exc:  # no server, no driver, no rights: the PostgreSQL rows are skipped
        print(f"PostgreSQL not reachable ({type(exc).__name__}); SQLite only")
        return None
    return f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"


def _drop_postgres(url: str) -> None:
    name = url.rsplit("/", 1)[1]
    admin = create_engine("postgresql+psycopg://postgres@127.0.0.1:5432/postgres",
                          isolation_level="AUTOCOMMIT")  # fmt: skip
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def run(database_url: str, folder, seconds: float, max_requests: int) -> dict[str, dict]:
    env = prepare(database_url, folder)
    return measure(env, database_url, seconds, max_requests)


def report(rows: dict[str, dict]) -> None:
    print(f"\n{'database, clients':36} {'hello/s':>8} {'reads/s':>8} {'ratio':>6} "
          f"{'p50 ms':>7} {'p99 ms':>7} {'304s':>6} {'writes/s':>8} {'share':>6} "
          f"{'w p99':>7}")  # fmt: skip
    for name, row in rows.items():
        print(f"{name:36} {row['hello_rps']:8.0f} {row['reads_rps']:8.0f} {row['ratio']:6.3f} "
              f"{row['reads_p50_ms']:7.1f} {row['reads_p99_ms']:7.1f} "
              f"{row['not_modified_share']:6.1%} {row['writes_rps']:8.1f} "
              f"{row['write_share']:6.1%} {row['writes_p99_ms']:7.1f}")  # fmt: skip
    print(f"\n{'CPU per request answered, ms':36} {'bare':>8} {'workers':>8} {'x bare':>7} "
          f"{'database':>8}")  # fmt: skip
    for name, row in rows.items():
        print(f"{name:36} {row['hello_cpu_ms']:8.2f} {row['cpu_ms']:8.2f} "
              f"{row['cpu_ms'] / max(row['hello_cpu_ms'], 1e-9):7.1f} "
              f"{row['database_cpu_ms']:8.2f}")  # fmt: skip
    for name, row in rows.items():
        kinds = ", ".join(f"{kind} {rps:.0f}/s p99 {p99:.0f} ms"
                          for kind, (rps, p99) in row["by_kind"].items())  # fmt: skip
        print(f"  {name}: {kinds}")


def main(argv=None) -> dict[str, dict]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="length of each phase")
    parser.add_argument("--max-requests", type=int, default=5000, help="per client and phase")
    parser.add_argument("--sqlite-only", action="store_true")
    args = parser.parse_args(argv)
    rows = {}
    with temp_database() as (url, folder):
        for name, row in run(url, folder, args.seconds, args.max_requests).items():
            rows[f"SQLite, {name}"] = row
    postgres = None if args.sqlite_only else _postgres_database()
    if postgres:
        try:
            with temp_database() as (_unused, folder):
                for name, row in run(postgres, folder, args.seconds, args.max_requests).items():
                    rows[f"PostgreSQL, {name}"] = row
        finally:
            _drop_postgres(postgres)
    report(rows)
    return rows


if __name__ == "__main__":
    main()
