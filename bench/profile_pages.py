"""Where a page rendered afresh spends its time: each main page served in process through the
test client, timed (wall clock, and CPU time of the process, which
other work on the machine disturbs less), and profiled with cProfile.

Run: .venv/bin/python -m bench.profile_pages [--top 25] [--page "agent home"]
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import statistics
import time

from bench.bench_pages import DEMO_PASSWORD, PAGES, prepare
from bench.common import temp_database


def in_process_app(database_url: str):
    from app import create_app
    from config import Config

    config = type("BenchConfig", (Config,), {"SQLALCHEMY_DATABASE_URI": database_url,
                                              "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False})  # fmt: skip
    return create_app(config)


def measure(app, label: str, path: str, email: str, repeats: int, top: int) -> tuple:
    client = app.test_client()
    client.post("/login", data={"email": email, "password": DEMO_PASSWORD})
    for _ in range(20):  # warm: first requests compile templates and statements
        response = client.get(path)
        if response.status_code != 200:
            raise SystemExit(f"{label}: {path} answered {response.status_code}")
    times, cpu = [], []
    for _ in range(repeats):
        started, started_cpu = time.perf_counter(), time.process_time()
        client.get(path)
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    median = statistics.median(times) * 1000
    # CPU time of this process: what the page costs, whatever else the machine is running
    median_cpu = statistics.median(cpu) * 1000
    if top:
        profile = cProfile.Profile()
        profile.enable()
        for _ in range(repeats):
            client.get(path)
        profile.disable()
        out = io.StringIO()
        stats = pstats.Stats(profile, stream=out)
        stats.sort_stats("cumulative").print_stats(top)
        print(f"\n===== {label}: median {median:.2f} ms per request ({median_cpu:.2f} ms CPU)\n")
        print("own time by package: " + ", ".join(f"{name} {share:.0%}"
                                                  for name, share in shares(stats)))  # fmt: skip
        print("\n".join(out.getvalue().splitlines()[4:]))
    return median, median_cpu


PACKAGES = ("sqlalchemy", "jinja2", "flask_babel", "babel", "werkzeug", "flask_login", "flask_wtf",
            "flask", "markupsafe", "sqlite3", "psycopg")  # fmt: skip


def shares(stats: pstats.Stats) -> list[tuple[str, float]]:
    """Own (not cumulative) time per library, and the app's code and templates."""
    totals: dict[str, float] = {}
    for (filename, _line, _name), row in stats.stats.items():
        own = row[2]
        if "/templates/" in filename:
            name = "templates"
        elif "/app/" in filename and "site-packages" not in filename:
            name = "app"
        else:
            name = next((p for p in PACKAGES if f"/{p}/" in filename), "other")
        if filename == "~" and ("sqlite3" in _name or "psycopg" in _name):
            name = "database driver"
        totals[name] = totals.get(name, 0.0) + own
    whole = sum(totals.values()) or 1.0
    return sorted(((n, t / whole) for n, t in totals.items()), key=lambda x: -x[1])


def main(argv=None) -> dict[str, tuple]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--top", type=int, default=25, help="profile rows per page (0: none)")
    parser.add_argument("--page", default=None, help="only this page")
    parser.add_argument("--repeats", type=int, default=200)
    args = parser.parse_args(argv)
    results = {}
    with temp_database() as (url, _folder):
        prepare(url)
        app = in_process_app(url)
        # No app context held open: each request gets its own, and its own database session,
        # as under a real server.
        results["bare view (/health)"] = measure(app, "bare view", "/health", "", args.repeats, 0)
        for label, path, email in PAGES:
            if args.page and args.page != label:
                continue
            results[label] = measure(app, label, path, email, args.repeats, args.top)
    print(f"\n{'page':24} {'ms/request':>10} {'ms CPU':>7} {'x bare':>6}")
    bare = results["bare view (/health)"][1] or 1e-9
    for label, (ms, cpu) in results.items():
        print(f"{label:24} {ms:10.2f} {cpu:7.2f} {cpu / bare:6.1f}")
    return results


if __name__ == "__main__":
    main()
