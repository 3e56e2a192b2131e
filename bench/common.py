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
    """gunicorn with sync workers on 127.0.0.1; yields the base URL."""
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
        yield base
    finally:
        server.terminate()
        server.wait(timeout=10)


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


def check_answers(url: str, cookie: str | None = None, expected: int = 200) -> None:
    """Fail the bench, naming the page, unless it answers `expected` (redirects not followed):
    a page that answers an error or a sign-in redirect must not be timed as if it worked."""

    class NoRedirects(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    if cookie:
        request.add_header("Cookie", cookie)
    try:
        status = urllib.request.build_opener(NoRedirects).open(request, timeout=30).status
    except urllib.error.HTTPError as exc:
        status = exc.code
    if status != expected:
        raise SystemExit(f"bench failed: {url} answered {status}, not {expected}")


def wrk(url: str, cookie: str | None = None, seconds: int = 8, connections: int = 32) -> dict:
    """Requests per second and p99 latency (ms) from wrk, 2 threads."""
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed for the page benchmarks: apt-get install wrk")
    args = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "-H",
            f"User-Agent: {USER_AGENT}", url]  # fmt: skip
    if cookie:
        args[1:1] = ["-H", f"Cookie: {cookie}"]
    out = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p99 = _ms(re.search(r"99%\s+([\d.]+\w+)", out).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"rps": rps, "p99_ms": p99, "non_2xx": int(errors.group(1)) if errors else 0}


def _ms(value: str) -> float:
    number, unit = re.match(r"([\d.]+)(\w+)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]
