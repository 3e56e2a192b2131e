"""Helpers the benchmarks share: a throwaway database, a served app, and a load generator."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import contextmanager
from http.cookiejar import CookieJar
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def bench_env(database_url: str) -> dict:
    return {
        **os.environ,
        "KHIDMA_ENV": "production",
        "SECRET_KEY": "benchmark-only-secret",
        "DATABASE_URL": database_url,
        "LOGIN_LIMIT_PER_ADDRESS": "100000 per minute",
        "LOGIN_LIMIT_PER_ACCOUNT": "100000 per minute",
    }


def flask(env: dict, *args: str) -> str:
    done = subprocess.run([str(BIN / "flask"), "--app", "app", *args], cwd=REPO_ROOT, env=env,
                          capture_output=True, text=True)  # fmt: skip
    if done.returncode:
        raise RuntimeError(f"flask {' '.join(args)} failed:\n{done.stderr[-2000:]}")
    return done.stdout


@contextmanager
def temp_database():
    folder = Path(tempfile.mkdtemp(prefix="khidma-bench-"))
    try:
        yield f"sqlite:///{folder / 'bench.sqlite3'}", folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def served(env: dict, workers: int = 2):
    """gunicorn with sync workers on 127.0.0.1; yields the base URL and the master's pid."""
    port = free_port()
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "-w", str(workers), "-b", f"127.0.0.1:{port}", "--log-level",
         "warning", "app:create_app()"],
        cwd=REPO_ROOT, env=env,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                urllib.request.urlopen(base + "/health", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        yield base, server.pid
    finally:
        server.terminate()
        server.wait(timeout=10)


def worker_pids(master: int) -> list[int]:
    """The worker processes of a gunicorn master (Linux /proc)."""
    children = Path(f"/proc/{master}/task/{master}/children")
    return [int(pid) for pid in children.read_text().split()] if children.exists() else []


# Sent by every bench client: a session is tied to the browser that signed in, and a
# different one would make each request re-issue the session cookie.
USER_AGENT = "khidma-bench"


def session_cookie(base: str, email: str, password: str) -> str:
    """Sign in through the form and return the session cookie header value."""
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.addheaders = [("User-Agent", USER_AGENT)]
    page = opener.open(base + "/login").read().decode()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode({"email": email, "password": password, "csrf_token": token})
    opener.open(base + "/login", data=data.encode())
    return "; ".join(f"{c.name}={c.value}" for c in jar)


def check_answers(url: str, cookie: str | None = None, expected: int = 200,
                  headers: dict | None = None) -> dict:  # fmt: skip
    """Fail the bench, naming the page, unless it answers `expected` (redirects not followed):
    a page that answers an error or a sign-in redirect must not be timed as if it worked.
    Returns the answer's headers."""

    class NoRedirects(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, **(headers or {})})
    if cookie:
        request.add_header("Cookie", cookie)
    try:
        answer = urllib.request.build_opener(NoRedirects).open(request, timeout=30)
        status, answer_headers = answer.status, answer.headers
    except urllib.error.HTTPError as exc:
        status, answer_headers = exc.code, exc.headers
    if status != expected:
        raise SystemExit(f"bench failed: {url} answered {status}, not {expected}")
    return dict(answer_headers)


# Counts every answer whose status is not the expected one, in each wrk thread, and prints the
# total: wrk itself only counts answers of 400 and above, so a redirect to the sign-in page
# would be timed as if it were the page.
WRK_STATUS_SCRIPT = """
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) unexpected = 0; last = 0 end
function response(status, headers, body)
  if status ~= %d then unexpected = unexpected + 1; last = status end
end
function done(summary, latency, requests)
  local total, seen = 0, 0
  for _, thread in ipairs(threads) do
    total = total + thread:get("unexpected")
    if thread:get("last") ~= 0 then seen = thread:get("last") end
  end
  io.write(string.format("Unexpected answers: %%d (last %%d)\\n", total, seen))
end
"""


def wrk(url: str, cookie: str | None = None, seconds: int = 8, connections: int = 32,
        expected: int = 200, headers: dict | None = None) -> dict:  # fmt: skip
    """Requests per second and p99 latency (ms) from wrk, 2 threads, and how many answers
    were not `expected` (a page answering anything else fails the bench, see pages)."""
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed for the page benchmarks: apt-get install wrk")
    sent = {"User-Agent": USER_AGENT, **({"Cookie": cookie} if cookie else {}), **(headers or {})}
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_STATUS_SCRIPT % expected)
    try:
        args = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "-s",
                script.name]  # fmt: skip
        for name, value in sent.items():
            args += ["-H", f"{name}: {value}"]
        out = subprocess.run([*args, url], capture_output=True, text=True, check=True).stdout
    finally:
        os.unlink(script.name)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p99 = _ms(re.search(r"99%\s+([\d.]+\w+)", out).group(1))
    unexpected = re.search(r"Unexpected answers: (\d+) \(last (\d+)\)", out)
    return {"rps": rps, "p99_ms": p99, "unexpected": int(unexpected.group(1)),
            "unexpected_status": int(unexpected.group(2))}  # fmt: skip


def _ms(value: str) -> float:
    number, unit = re.match(r"([\d.]+)(\w+)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]
