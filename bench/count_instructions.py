"""Instructions a page costs, counted by valgrind's callgrind: the same count for the same code
and data whatever else the machine is doing, so that a change to a page can be measured on a
busy machine (where CPU time and requests a second move by 10-30% from one run to the next).

The demo installation of bench_pages is made once; then each of its pages, and the bare view,
is served in process through the test client in a process of its own run under callgrind with
counting off. After a warm-up (templates compiled, statements built, caches filled) counting is
switched on for the measured requests (`callgrind_control -i on`) and off again; the count
includes the small, fixed work of those two calls and of checking each answer. Printed:
instructions per request, and as a multiple of the bare view's.

Run: .venv/bin/python -m bench.count_instructions [--requests 30] [--page "HR report, first page"]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import sqlite3
import subprocess
import sys

from bench.bench_pages import DEMO_PASSWORD, PAGES, prepare
from bench.common import REPO_ROOT, temp_database

BARE = ("bare view (/health)", "/health", "")
WARM = 30


def serve(database_url: str, path: str, email: str, requests: int) -> None:
    """In the process callgrind runs: warm the page, then count `requests` views of it."""
    from bench.profile_pages import in_process_app

    client = in_process_app(database_url).test_client()
    if email:
        client.post("/login", data={"email": email, "password": DEMO_PASSWORD})
    for _ in range(WARM):
        status = client.get(path).status_code
        if status != 200:
            raise SystemExit(f"{path} answered {status}, not 200")
    pid = str(os.getpid())
    subprocess.run(["callgrind_control", "-i", "on", pid], check=True, capture_output=True)
    statuses = [client.get(path).status_code for _ in range(requests)]
    subprocess.run(["callgrind_control", "-i", "off", pid], check=True, capture_output=True)
    if set(statuses) != {200}:
        raise SystemExit(f"{path} answered {sorted(set(statuses))} while counted, not only 200")


def count(database_url: str, path: str, email: str, requests: int) -> int:
    """Instructions of `requests` views of the page, counted in a process of its own."""
    done = subprocess.run(
        ["valgrind", "--tool=callgrind", "--instr-atstart=no", "--callgrind-out-file=/dev/null",
         sys.executable, "-m", "bench.count_instructions", "--serve", database_url, path, email,
         str(requests)],
        cwd=REPO_ROOT, capture_output=True, text=True,
        env={**os.environ, "SECRET_KEY": os.environ.get("SECRET_KEY", "bench")},
    )  # fmt: skip
    found = re.search(r"Collected\s*:\s*([\d,]+)", done.stderr)
    if done.returncode or not found or found.group(1) == "0":
        raise SystemExit(f"counting {path} failed:\n{done.stderr[-2000:]}")
    return int(found.group(1).replace(",", ""))


def main(argv=None) -> dict[str, float]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=30, help="requests counted per page")
    parser.add_argument("--page", default=None, help="only this page (and the bare view)")
    parser.add_argument("--serve", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve:
        url, path, email, requests = args.serve
        serve(url, path, email, int(requests))
        return {}
    if not shutil.which("valgrind"):
        raise SystemExit("valgrind is not installed")
    if args.page and args.page not in [label for label, _path, _email in PAGES]:
        raise SystemExit(f"no page {args.page!r}; the pages: {', '.join(p[0] for p in PAGES)}")
    results = {}
    with temp_database() as (url, folder):
        prepare(url)
        with sqlite3.connect(folder / "bench.sqlite3") as connection:  # every page reads the file
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        for label, path, email in [BARE, *PAGES]:
            if args.page and label not in (args.page, BARE[0]):
                continue
            results[label] = count(url, path, email, args.requests) / args.requests
            print(f"{label:24} {results[label] / 1e6:8.2f}M instructions a request", flush=True)
    bare = results[BARE[0]]
    print(f"\n{'page':24} {'instructions':>12} {'x bare':>6}")
    for label, value in results.items():
        print(f"{label:24} {value / 1e6:11.2f}M {value / bare:6.1f}")
    return results


if __name__ == "__main__":
    main()
