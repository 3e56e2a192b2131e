"""Submissions under load, with and without crashing workers.

Concurrent clients each sign in as their own agent and submit the load quiz again and again (open
the quiz page, post the form); one submission in ten is sent a second time with the same form (a
double click or a retry), and must come back as the same attempt. With --kill-every, a gunicorn
worker is killed with SIGKILL every few seconds (once the clients have had answers since the last
kill); clients retry a request that died with the same form. Afterwards the database must hold
exactly one attempt per acknowledged form, every attempt complete with its answers, the HR
report's kept totals equal to a recount, and (SQLite) pass PRAGMA integrity_check.

Run: .venv/bin/python -m bench.bench_load [--postgres] [--kill-every 2]
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import os
import random
import re
import signal
import statistics
import subprocess
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import create_engine, text

from bench.common import (
    BIN,
    REPO_ROOT,
    bench_env,
    flask,
    free_port,
    temp_database,
    worker_pids,
)
from bench.load_quiz import ANSWERS, QUIZ_ID, content_with_load_quiz

PASSWORD = "load-test-password"
TOKEN = re.compile(r'name="token" value="([^"]+)"')
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
CSRF_LOGIN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


@dataclass
class Stats:
    requests: int = 0
    server_errors: int = 0  # 5xx other than the 503 "temporarily unavailable" page
    unavailable: int = 0  # 503 answers while the database was away
    locked: int = 0
    retries: int = 0
    latencies: list[float] = field(default_factory=list)
    acknowledged: dict[str, int] = field(default_factory=dict)  # form token -> attempt id
    restarts: int = 0
    mismatched_resends: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


def prepare(database_url: str, folder: Path, agents: int) -> dict:
    env = bench_env(database_url)
    env["KHIDMA_CONTENT_DIR"] = str(content_with_load_quiz(folder / "content"))
    flask(env, "db", "upgrade")
    flask(env, "content", "sync")
    rows = "".join(
        f"L{n:04d},load{n}@load.example,Load {n},agent,2020-01-01\n" for n in range(agents)
    )
    csv = folder / "agents.csv"
    csv.write_text("employee_no,email,name_en,role,hire_date\n" + rows, encoding="utf-8")
    flask(env, "people", "import", str(csv))
    _set_passwords(database_url)
    return env


def _set_passwords(database_url: str) -> None:
    from werkzeug.security import generate_password_hash

    digest = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
    engine = create_engine(database_url)
    with engine.begin() as connection:
        connection.execute(text("UPDATE \"user\" SET password_hash = :h WHERE email LIKE '%@load.example'"),
                           {"h": digest})  # fmt: skip
    engine.dispose()


class Client:
    """One agent's browser: a keep-alive connection and a session cookie."""

    def __init__(self, port: int, email: str):
        self.port, self.email, self.cookie = port, email, ""
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def request(self, method: str, path: str, body: dict | None = None):
        data = urllib.parse.urlencode(body) if body is not None else None
        headers = {"Cookie": self.cookie}
        if data is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            self.connection.request(method, path, body=data, headers=headers)
            response = self.connection.getresponse()
            payload = response.read().decode("utf-8", "replace")
        except (OSError, http.client.HTTPException):
            self.connection.close()
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            raise
        for header in response.headers.get_all("Set-Cookie") or []:
            self.cookie = header.split(";", 1)[0]
        return response.status, response.headers.get("Location", ""), payload

    def sign_in(self) -> None:
        _, _, page = self.request("GET", "/login")
        token = CSRF_LOGIN.search(page).group(1)
        status, _, _ = self.request("POST", "/login", {"email": self.email, "password": PASSWORD,
                                                       "csrf_token": token})  # fmt: skip
        assert status == 302, f"sign-in failed for {self.email}: {status}"


def _with_retries(stats: Stats, call, attempts: int = 15):
    """Send again when the connection died (a killed worker): waits grow to about 25 s in all,
    so that a machine slow to start a new worker does not end a client's run."""
    for attempt in range(attempts):
        try:
            return call()
        except (OSError, http.client.HTTPException):
            with stats.lock:
                stats.retries += 1
            time.sleep(0.2 * (attempt + 1))
    raise RuntimeError("request kept failing")


def _record(stats: Stats, status: int, page: str, seconds: float) -> None:
    with stats.lock:
        stats.requests += 1
        stats.latencies.append(seconds)
        if status == 503:
            stats.unavailable += 1
        elif status >= 500:
            stats.server_errors += 1
        if "database is locked" in page:
            stats.locked += 1


def _until_available(stats: Stats, call, attempts: int = 40):
    """Send again while the server answers 503 (the database is away for a moment)."""
    for _ in range(attempts):
        started = time.perf_counter()
        status, location, page = _with_retries(stats, call)
        _record(stats, status, page, time.perf_counter() - started)
        if status != 503:
            return status, location, page
        time.sleep(0.5)
    raise RuntimeError("the server stayed unavailable")


def submit_once(client: Client, stats: Stats, rng: random.Random) -> None:
    _, _, page = _until_available(stats, lambda: client.request("GET", f"/quizzes/{QUIZ_ID}"))
    form = {
        "token": TOKEN.search(page).group(1),
        "csrf_token": CSRF.search(page).group(1),
        **ANSWERS,
    }
    sends = 2 if rng.random() < 0.10 else 1
    seen = None
    for _ in range(sends):
        status, location, _body = _until_available(
            stats, lambda: client.request("POST", f"/quizzes/{QUIZ_ID}/submit", form)
        )
        if status == 302 and "/attempts/" in location:
            attempt_id = int(location.rsplit("/", 1)[1])
            with stats.lock:
                if seen is not None and seen != attempt_id:
                    stats.mismatched_resends += 1
                stats.acknowledged[form["token"]] = attempt_id
            seen = attempt_id


def _killer(master: int, every: float, stop: threading.Event, kills: list[int], stats: Stats,
            between: int) -> None:  # fmt: skip
    """Every `every` seconds, SIGKILL one gunicorn worker, once the clients have had at least
    `between` answers since the last kill. Paced by answers as well as by the clock, the run
    keeps making progress however slowly the machine starts a new worker (2-3 s on a busy
    machine, longer than a period of 1 s): a kill may still leave no worker serving while one
    starts, but the next waits for answers."""
    last = stats.requests
    while not stop.wait(every):
        pids = worker_pids(master)
        if pids and stats.requests - last >= between:
            with contextlib.suppress(ProcessLookupError):  # it exited since it was listed
                os.kill(random.choice(pids), signal.SIGKILL)
                kills.append(1)
            last = stats.requests


def _restart_postgres(after: float, stop: threading.Event, restarts: list[int]) -> None:
    """Restart the local PostgreSQL server once, `after` seconds into the run."""
    if stop.wait(after):
        return
    version = sorted(os.listdir("/etc/postgresql"))[-1]
    subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart"],
                   check=True, capture_output=True)  # fmt: skip
    restarts.append(1)


def run(database_url: str, clients: int = 32, submissions: int = 2000,
        kill_every: float | None = None, restart_after: float | None = None) -> dict:  # fmt: skip
    """Serve a fresh installation, load it, and check what was stored."""
    with temp_database() as (_sqlite_url, folder):
        env = prepare(database_url, folder, clients)
        port = free_port()
        server = subprocess.Popen(
            [str(BIN / "gunicorn"), "-w", "2", "-b", f"127.0.0.1:{port}", "--log-level", "error",
             "app:create_app()"], cwd=REPO_ROOT, env=env,
        )  # fmt: skip
        try:
            _wait(port)
            stats, kills, elapsed = _drive(
                port, clients, submissions, server.pid, kill_every, restart_after
            )
        finally:
            server.terminate()
            server.wait(timeout=15)
        return {**_summary(stats, kills, elapsed), **verify(database_url, stats)}


def _wait(port: int) -> None:
    for _ in range(150):
        try:
            http.client.HTTPConnection("127.0.0.1", port, timeout=1).request("GET", "/health")
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("server did not start")


def _drive(port, clients, submissions, master, kill_every, restart_after=None):
    stats, kills, stop, restarts = Stats(), [], threading.Event(), []
    people = [Client(port, f"load{n}@load.example") for n in range(clients)]
    for person in people:
        _with_retries(stats, person.sign_in)
    share = [
        submissions // clients + (1 if n < submissions % clients else 0) for n in range(clients)
    ]

    def work(person: Client, count: int, seed: int) -> None:
        rng = random.Random(seed)
        for _ in range(count):
            submit_once(person, stats, rng)

    threads = [
        threading.Thread(target=work, args=(p, c, n))
        for n, (p, c) in enumerate(zip(people, share, strict=True))
    ]
    helpers = []
    if kill_every:
        helpers.append(threading.Thread(target=_killer, args=(master, kill_every, stop, kills,
                                                              stats, clients)))  # fmt: skip
    if restart_after:
        restart = threading.Thread(target=_restart_postgres, args=(restart_after, stop, restarts))
        helpers.append(restart)
    started = time.perf_counter()
    for thread in threads + helpers:
        thread.start()
    for thread in threads:
        thread.join()
    stop.set()
    for thread in helpers:
        thread.join()
    stats.restarts = len(restarts)
    return stats, len(kills), time.perf_counter() - started


def _summary(stats: Stats, kills: int, elapsed: float) -> dict:
    posts = sorted(x for x in stats.latencies if x)
    return {
        "requests": stats.requests, "server_errors": stats.server_errors,
        "unavailable_503": stats.unavailable, "database_restarts": stats.restarts,
        "database_locked": stats.locked, "client_retries": stats.retries,
        "workers_killed": kills, "acknowledged": len(stats.acknowledged),
        "mismatched_resends": stats.mismatched_resends, "seconds": round(elapsed, 1),
        "p50_ms": round(statistics.median(posts) * 1000, 1) if posts else None,
        "p99_ms": round(posts[int(len(posts) * 0.99) - 1] * 1000, 1) if posts else None,
    }  # fmt: skip


def verify(database_url: str, stats: Stats) -> dict:
    """What the database holds, compared with what the clients were told."""
    from app.certification import counts as report_counts

    engine = create_engine(database_url)
    with engine.connect() as connection:
        rows = connection.execute(text(
            "SELECT a.id, a.idempotency_key, COUNT(x.id) FROM attempt a "
            "LEFT JOIN answer x ON x.attempt_id = a.id GROUP BY a.id, a.idempotency_key"
        )).all()  # fmt: skip
        integrity = (connection.execute(text("PRAGMA integrity_check")).scalar()
                     if engine.dialect.name == "sqlite" else "n/a")  # fmt: skip
        counts_off = len(report_counts.differences(connection))
    engine.dispose()
    stored = {row[0] for row in rows}
    keys = [row[1] for row in rows]
    return {
        "stored_attempts": len(rows),
        "acknowledged_missing": len(set(stats.acknowledged.values()) - stored),
        "duplicate_keys": len(keys) - len(set(keys)),
        "incomplete_attempts": sum(1 for row in rows if row[2] != len(ANSWERS)),
        "integrity_check": integrity,
        "report_counts_off": counts_off,  # buckets of the report's totals not equal to a recount
    }


def _postgres_database() -> str:
    name = f"khidma_load_{os.getpid()}"
    admin = create_engine(
        "postgresql+psycopg://postgres@127.0.0.1:5432/postgres", isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--submissions", type=int, default=2000)
    parser.add_argument("--kill-every", type=float, default=None)
    parser.add_argument("--restart-postgres-after", type=float, default=None,
                        help="restart the local PostgreSQL server once, this many seconds in")  # fmt: skip
    args = parser.parse_args(argv)
    with temp_database() as (sqlite_url, _folder):
        url = _postgres_database() if args.postgres else sqlite_url
        result = run(url, args.clients, args.submissions, args.kill_every,
                     args.restart_postgres_after)  # fmt: skip
    for key, value in result.items():
        print(f"{key:22} {value}")
    return result


if __name__ == "__main__":
    main()
