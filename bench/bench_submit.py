"""Benchmark of a role-play submit in process: a worker's first submit and the ones after it.

A temporary SQLite database gets the shipped content, a quiz of one role-play question (its
customer speaks Arabic and English) and six agents. Each measurement runs in a fresh Python
process, as a new gunicorn worker would: it creates the app, signs in through the form as an
agent with no attempts yet, then opens the quiz and posts a reply again and again. Only the POST of the form is timed (grading,
recording the attempt, the redirect to its result). Prints:

- rubric load: reading the shipped rubric's YAML and compiling it, first time in a process;
- app start: create_app, which compiles the rubrics of the quizzes that can be taken;
- the first submit of the process (by an agent who has submitted once before, in another
  process: an agent's very first submit also creates its standing rows, printed apart), and
  p50/p95 of the later ones (and of the agent's early
  and late ones: recording a role-play recomputes the agent's standards from its 90-day
  history, so `--submits 50` shows an agent with 40 attempts behind it); the same in CPU
  time, which other work on the machine disturbs less than the wall clock;
- the same first submit with the start-up compile switched off (RUBRIC_WARMUP=0), for
  comparison: the cost a worker's first role-play answer would otherwise pay.

    python -m bench.bench_submit [--submits 40]  (--submits 50: the last 10 after 40 attempts)
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.bench_load import PASSWORD
from bench.bench_load import _set_passwords as set_passwords
from bench.common import REPO_ROOT, bench_env, flask
from bench.load_quiz import content_with_load_quiz

QUIZ_ID = "submit-check"
QUIZ = """
id: submit-check
course: product-basics
title: {ar: "اختبار سرعة الإرسال", en: "Submit check"}
pass_mark: 60
attempts: {max: 0, wait_minutes: 0}
questions:
  - id: outage-reply
    type: roleplay
    customer:
      ar: "الإنترنت مقطوع عندي من يومين وما أحد اتصل فيني!"
      en: "My internet has been down for two days and nobody called me back!"
    rubric: complaint-handling
    key_points:
      ar: [[الانترنت مقطوع, انقطاع الانترنت], [يومين, من يومين]]
      en: [[internet down, no internet], [two days, 2 days]]
"""
REPLY = (
    "I'm so sorry your internet has been down for two days and that nobody called you back. "
    "I understand how frustrating that is. I have booked a technician for tomorrow at 10 am "
    "and I will call you at 5 pm today to confirm. Thank you for your patience."
)
TARGETS = {"warm_p50_ms": 30, "rubric_ms": 100}
TOKEN = re.compile(r'name="token" value="([^"]+)"')
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
CSRF_LOGIN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
AGENTS = 6  # each worker process signs in as its own agent


def prepare(folder: Path) -> dict:
    """The database and content a worker process starts from; returns its environment."""
    content = content_with_load_quiz(folder / "content")
    (content / "quizzes" / f"{QUIZ_ID}.yaml").write_text(QUIZ.lstrip(), encoding="utf-8")
    course = content / "courses" / "product-basics" / "course.yaml"
    text = course.read_text(encoding="utf-8")
    course.write_text(text.replace("quizzes: [", f"quizzes: [{QUIZ_ID}, ", 1), encoding="utf-8")
    database_url = f"sqlite:///{folder / 'bench.sqlite3'}"
    env = {**bench_env(database_url), "KHIDMA_CONTENT_DIR": str(content),
           "PAGE_CACHE_ENABLED": "0", "PYTHONPATH": str(REPO_ROOT)}  # fmt: skip
    flask(env, "db", "upgrade")
    flask(env, "content", "sync")
    people = folder / "agents.csv"
    rows = "".join(f"L{n:04d},{agent(n)},Load {n},agent,2020-01-01\n" for n in range(AGENTS))
    people.write_text("employee_no,email,name_en,role,hire_date\n" + rows, encoding="utf-8")
    flask(env, "people", "import", str(people))
    set_passwords(database_url)
    return env


def agent(n: int) -> str:
    return f"load{n}@load.example"


def worker(submits: int, agent_no: int) -> dict:
    """One fresh process: start the app, sign in as agent `agent_no`, submit `submits` times;
    figures in ms."""
    started = time.perf_counter()
    from app import create_app

    imported = time.perf_counter()
    app = create_app()
    created = time.perf_counter()
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    login = {"email": agent(agent_no), "password": PASSWORD,
             "csrf_token": CSRF_LOGIN.search(page).group(1)}  # fmt: skip
    assert client.post("/login", data=login).status_code == 302, "sign-in failed"
    times, cpu = [], []
    for _ in range(submits):
        page = client.get(f"/quizzes/{QUIZ_ID}").get_data(as_text=True)
        form = {"token": TOKEN.search(page).group(1), "csrf_token": CSRF.search(page).group(1),
                "q-outage-reply": REPLY}  # fmt: skip
        start, start_cpu = time.perf_counter(), time.process_time()
        response = client.post(f"/quizzes/{QUIZ_ID}/submit", data=form)
        times.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
        if response.status_code != 302 or "/attempts/" not in response.location:
            raise SystemExit(f"bench failed: the submit answered {response.status_code}")
    return {"import_ms": (imported - started) * 1000, "create_app_ms": (created - imported) * 1000,
            "submits_ms": times, "submits_cpu_ms": cpu}  # fmt: skip


def rubric_load() -> dict:
    """Reading and compiling the shipped rubric, first time in a fresh process, then again."""
    from app.scoring import Rubric

    path = REPO_ROOT / "quizzes" / "rubrics" / "complaint-handling.yaml"
    times = []
    for _ in range(5):
        start = time.perf_counter()
        Rubric.load(path)
        times.append((time.perf_counter() - start) * 1000)
    return {"first_ms": times[0], "median_ms": statistics.median(times)}


def in_fresh_process(env: dict, role: str, *args: str) -> dict:
    done = subprocess.run([sys.executable, "-m", "bench.bench_submit", "--role", role, *args],
                          cwd=REPO_ROOT, env=env, capture_output=True, text=True)  # fmt: skip
    if done.returncode:
        raise SystemExit(f"bench failed: {role} process:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def report(env: dict, submits: int) -> None:
    load = in_fresh_process(env, "rubric")
    print(f"rubric load + compile, fresh process: first {load['first_ms']:.1f} ms, "
          f"median of 5 {load['median_ms']:.1f} ms (target < {TARGETS['rubric_ms']} ms)")  # fmt: skip
    # Each agent's very first submit creates its standing rows (one per standard and
    # certification): work of a new agent, not of a new worker. Each agent submits once
    # first, in a fresh process of its own, so the workers below measure a worker's first.
    seeded = [in_fresh_process(env, "worker", "1", str(n)) for n in range(AGENTS)]
    firsts = [run["submits_cpu_ms"][0] for run in seeded]
    runs = [in_fresh_process(env, "worker", str(submits), str(n)) for n in range(3)]
    cold = [run["submits_ms"][0] for run in runs]
    warm = [ms for run in runs for ms in run["submits_ms"][1:]]
    start = statistics.median(run["create_app_ms"] for run in runs)
    print(f"app start (create_app, rubrics compiled for the quizzes on offer): {start:.0f} ms")
    print(f"first submit of a fresh worker: {', '.join(f'{ms:.1f}' for ms in cold)} ms "
          f"(3 processes)")  # fmt: skip
    print(f"later submits ({len(warm)}): p50 {statistics.median(warm):.1f} ms, "
          f"p95 {percentile(warm, 0.95):.1f} ms (target p50 < {TARGETS['warm_p50_ms']} ms)")  # fmt: skip
    early = [ms for run in runs for ms in run["submits_ms"][1:11]]
    late = [ms for run in runs for ms in run["submits_ms"][-10:]]
    print(f"later submits, the agent's 2nd-11th / last 10 (after {submits - 10} attempts): "
          f"p50 {statistics.median(early):.1f} / {statistics.median(late):.1f} ms, "
          f"p95 {percentile(early, 0.95):.1f} / {percentile(late, 0.95):.1f} ms (the standards "
          f"recompute counts the answers that judged alike together, in SQL)")  # fmt: skip
    print(f"first submit / later p50: {statistics.median(cold) / statistics.median(warm):.2f} "
          f"(target <= 1, within noise)")  # fmt: skip
    cold_cpu = [run["submits_cpu_ms"][0] for run in runs]
    warm_cpu = [ms for run in runs for ms in run["submits_cpu_ms"][1:]]
    early_cpu = [ms for run in runs for ms in run["submits_cpu_ms"][1:11]]
    late_cpu = [ms for run in runs for ms in run["submits_cpu_ms"][-10:]]
    print(f"the same in CPU time (what other work on the machine disturbs least): first "
          f"{', '.join(f'{ms:.1f}' for ms in cold_cpu)} ms, later p50 "
          f"{statistics.median(warm_cpu):.1f} ms, first / later p50 "
          f"{statistics.median(cold_cpu) / statistics.median(warm_cpu):.2f}; the agent's "
          f"2nd-11th / last 10 p50 {statistics.median(early_cpu):.1f} / "
          f"{statistics.median(late_cpu):.1f} ms")  # fmt: skip
    print(f"an agent's very first submit, in a fresh worker (CPU): "
          f"{', '.join(f'{ms:.1f}' for ms in firsts)} ms")  # fmt: skip
    plain_env = {**env, "RUBRIC_WARMUP": "0"}
    unwarmed = [in_fresh_process(plain_env, "worker", "3", str(n)) for n in range(3, 6)]
    plain = [run["submits_ms"][0] for run in unwarmed]
    plain_start = statistics.median(run["create_app_ms"] for run in unwarmed)
    print(f"without the start-up compile (RUBRIC_WARMUP=0): app start {plain_start:.0f} ms, "
          f"first submit {', '.join(f'{ms:.1f}' for ms in plain)} ms")  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submits", type=int, default=40)
    parser.add_argument("--role", choices=("report", "worker", "rubric"), default="report")
    parser.add_argument("count", nargs="?", type=int, default=0)
    parser.add_argument("agent", nargs="?", type=int, default=0)
    args = parser.parse_args()
    if args.role == "worker":
        print(json.dumps(worker(args.count, args.agent)))
    elif args.role == "rubric":
        print(json.dumps(rubric_load()))
    else:
        with tempfile.TemporaryDirectory(prefix="khidma-submit-") as folder:
            report(prepare(Path(folder)), args.submits)
    return 0


if __name__ == "__main__":
    sys.exit(main())
