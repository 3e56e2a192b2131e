"""Every benchmark, then one table of the figures that have targets.

Run: make bench   (or .venv/bin/python -m bench)
Each benchmark's own output is printed as it runs; the table at the end collects the figures.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time

from bench.common import REPO_ROOT

RUNS = [
    ("scoring", ["bench.bench_scoring"]),
    ("submit", ["bench.bench_submit"]),
    ("pages", ["bench.bench_pages"]),
    ("mixed", ["bench.bench_mixed"]),
    ("heatmap", ["bench.bench_heatmap"]),
    ("report", ["bench.bench_report"]),
    ("filters", ["bench.bench_filters"]),
    ("scale-postgres", ["bench.bench_scale"]),
    ("load-sqlite", ["bench.bench_load"]),
    ("load-postgres", ["bench.bench_load", "--postgres"]),
    ("load-sqlite-kills", ["bench.bench_load", "--kill-every", "2"]),
    ("load-postgres-restart", ["bench.bench_load", "--postgres", "--restart-postgres-after", "5"]),
]

# (label, run, regex whose first group is the figure, target)
FIGURES = [
    (
        "role-play replies/s, dev replies, whole scorer (one core)",
        "scoring",
        r"development replies: \d+, mean \d+ words\n.*\n\s+whole scorer: replies/second, "
        r"one core: ([\d,]+)",
        ">= 2,000",
    ),
    (
        "role-play replies/s, 60-80 words, whole scorer",
        "scoring",
        r"60-80-word replies: \d+, mean \d+ words\n.*\n\s+whole scorer: replies/second, "
        r"one core: ([\d,]+)",
        ">= 2,000",
    ),
    (
        "macro F1, dev set, ar",
        "scoring",
        r"== ar \(45 replies\) ==[\s\S]*?macro F1 = ([\d.]+)",
        ">= 0.90",
    ),
    (
        "macro F1, dev set, en",
        "scoring",
        r"== en \(45 replies\) ==[\s\S]*?macro F1 = ([\d.]+)",
        ">= 0.90",
    ),
    (
        "macro F1, unseen scenarios, ar",
        "scoring",
        r"# Unseen scenarios[^\n]*\n== ar \(\d+ replies\) ==[\s\S]*?macro F1 = ([\d.]+)",
        ">= 0.90",
    ),
    (
        "macro F1, unseen scenarios, en",
        "scoring",
        r"# Unseen scenarios[\s\S]*?== en \(\d+ replies\) ==[\s\S]*?macro F1 = ([\d.]+)",
        ">= 0.90",
    ),
    (
        "rubric load + compile (first)",
        "scoring",
        r"load \+ compile rubric: first ([\d.]+ ms)",
        "< 100 ms",
    ),
    (
        "rubric load + compile, fresh process",
        "submit",
        r"rubric load \+ compile, fresh process: first ([\d.]+ ms)",
        "< 100 ms",
    ),
    (
        "role-play submit: a worker's first (3 workers)",
        "submit",
        r"first submit of a fresh worker: ([\d., ]+ ms)",
        "<= later p50",
    ),
    (
        "role-play submit: later p50 / p95",
        "submit",
        r"later submits \(\d+\): (p50 [\d.]+ ms, p95 [\d.]+ ms)",
        "p50 < 30 ms",
    ),
    (
        "bare view req/s (gunicorn 2 sync, wrk -c32)",
        "pages",
        r"bare view \(/health\)\s+(\d+)",
        "reference",
    ),
    *[
        (
            f"{page}: rendered, ratio / p99 ms",
            "pages",
            rf"^{page}\s+\d+\s+([\d.]+\s+[\d.]+)",
            ">= 0.20 / -",
        )
        for page in ("agent home", "lesson", "manager dashboard", "HR report, first page")
    ],
    *[
        (
            f"{page}: 304, ratio / p99 ms",
            "pages",
            rf"^{page}\s+\d+\s+[\d.]+\s+[\d.]+\s+\d+\s+([\d.]+\s+[\d.]+)",
            "-",
        )
        for page in ("agent home", "lesson", "manager dashboard", "HR report, first page")
    ],
    *[
        (
            f"mixed, {db}, {short}: ratio/p50/p99",
            "mixed",
            rf"{db}, {clients}\s+\d+\s+\d+\s+([\d.]+\s+[\d.]+\s+[\d.]+)",
            ">= 0.25 / - / < 100",
        )
        for db in ("SQLite", "PostgreSQL")
        for clients, short in (
            ("browsers revalidating", "revalidating"),
            ("no revalidation", "no revalidation"),
        )
    ],
    (
        "heatmap 50 agents: server time, queries",
        "heatmap",
        r"heatmap, 50 agents: median ([\d.]+ ms server time, \d+ SQL queries)",
        "< 100 ms",
    ),
    (
        "HR report first page (10,000 agents)",
        "report",
        r"report first page: ([\d.]+ ms)",
        "< 150 ms",
    ),
    (
        "HR report queries at 10,000 / 10 agents",
        "report",
        r"report SQL queries: (\d+ at 10,000 agents, \d+ at 10)",
        "<= 10, equal",
    ),
    (
        "CSV export 100,000 rows: first byte, all",
        "report",
        r"CSV export \(100,000 rows\): first byte ([\d.]+ ms, all [\d.]+ s)",
        "< 1 s, < 3 s",
    ),
    (
        "CSV export heap peak, 100,000 rows",
        "report",
        r"heap peak for 100,000 rows: ([\d.]+ MiB)",
        "< 10 MiB",
    ),
    (
        "HR report page 1 at 5,000 teams, search fields",
        "filters",
        r"search field \(limit \d+\): ([\d,]+ KiB, [\d,]+ <option>s, [\d.]+ ms)",
        "< 150 ms",
    ),
    (
        "PostgreSQL, 100,000 agents: HR report page 1",
        "scale-postgres",
        r"HR report first page at [\d,]+ agents: ([\d.]+ ms, \d+ queries)",
        "< 150 ms",
    ),
    (
        "PostgreSQL, 100,000 agents: agent home",
        "scale-postgres",
        r"agent home: ([\d.]+ ms at [\d,]+ agents, [\d.]+ ms)",
        "unchanged",
    ),
    (
        "PostgreSQL, 300,000-row CSV: first byte, all",
        "scale-postgres",
        r"CSV export \([\d,]+ rows, [\d.]+ MiB\): first byte ([\d.]+ ms, all [\d.]+ s)",
        "< 1 s",
    ),
    (
        "PostgreSQL, 300,000-row CSV: RSS growth",
        "scale-postgres",
        r"peak RSS growth ([\d.]+ MiB)",
        "flat",
    ),
    ("XLSX export 100,000 rows", "report", r"XLSX export \(100,000 rows\): ([\d.]+ s)", "-"),
]
LOAD_KEYS = ("requests", "server_errors", "unavailable_503", "database_restarts",
             "database_locked", "acknowledged", "stored_attempts",
             "duplicate_keys", "incomplete_attempts", "workers_killed", "integrity_check",
             "p50_ms", "p99_ms")  # fmt: skip


def run_all() -> dict[str, str]:
    outputs = {}
    for name, args in RUNS:
        print(f"\n===== {name}", flush=True)
        started = time.monotonic()
        done = subprocess.run([sys.executable, "-m", *args], cwd=REPO_ROOT, capture_output=True,
                              text=True)  # fmt: skip
        print(done.stdout[-6000:], done.stderr[-2000:] if done.returncode else "", flush=True)
        outputs[name] = done.stdout
        print(f"({name}: {time.monotonic() - started:.0f} s, exit {done.returncode})", flush=True)
    return outputs


def table(outputs: dict[str, str]) -> None:
    print("\n===== summary")
    print(f"{'figure':48} {'result':36} target")
    for label, run, pattern, target in FIGURES:
        found = re.search(pattern, outputs.get(run, ""), re.M)
        value = " ".join(found.group(1).split()) if found else "-"
        print(f"{label:48} {value[:36]:36} {target}")
    pages = re.findall(r"^(agent home|lesson|manager dashboard|HR report, first page)"
                       r"(?:\s+\S+){6}\s+(\S+)\s+(\S+)\s+(\S+)$", outputs.get("pages", ""), re.M)  # fmt: skip
    counts = ", ".join(f"{page} {small}/{large}" for page, small, large, _ in pages) or "-"
    print(f"{'SQL queries, page rendered, 10 / 10,000 agents':48} {counts}  (target: equal)")
    answered = ", ".join(f"{page} {n}" for page, _, _, n in pages) or "-"
    print(f"{'SQL queries, 304 to If-None-Match':48} {answered}")
    for run in ("load-sqlite", "load-postgres", "load-sqlite-kills", "load-postgres-restart"):
        figures = dict(re.findall(r"^(\w+)\s+(\S+)$", outputs.get(run, ""), re.M))
        summary = ", ".join(f"{k}={figures.get(k, '-')}" for k in LOAD_KEYS)
        print(f"{run:48} {summary}")


if __name__ == "__main__":
    table(run_all())
