"""Browser tests: the app served by gunicorn on 127.0.0.1 with a fresh database and the demo
data, driven by Playwright in Debian's Chromium (never a downloaded browser).

Without Chromium these tests skip locally; with KHIDMA_REQUIRE_BROWSER=1 (as in CI) they fail.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
CHROMIUM = os.environ.get("KHIDMA_CHROMIUM", "/usr/bin/chromium")
DEMO_PASSWORD = "khidma-demo-2026"
PHONE = {"width": 390, "height": 844}
# The page's width against the window's, and the elements that stick out (to say which).
PAGE_WIDTHS = """() => {
  const inner = window.innerWidth, root = document.documentElement;
  const out = [...document.querySelectorAll('body *')].filter(e => {
    const r = e.getBoundingClientRect();
    return r.width && (r.right > inner + 1 || r.left < -1) && !e.closest('.table-responsive');
  }).slice(0, 5).map(e => e.tagName + (e.id ? '#' + e.id : '') + '.' + e.className);
  return {scroll: root.scrollWidth, inner: inner, sticking_out: out};
}"""


# The live server's environment, for journeys that run a command against its database.
LIVE_ENV: dict[str, str] = {}


def run_flask(*args: str) -> None:
    """Run a `flask` command (e.g. the daily jobs) against the live server's database."""
    _flask(LIVE_ENV, *args)


def _require_browser():
    if Path(CHROMIUM).exists():
        return
    message = f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
    if os.environ.get("KHIDMA_REQUIRE_BROWSER") == "1":
        pytest.fail(message)
    pytest.skip(message)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _flask(env: dict, *args: str) -> None:
    flask = Path(sys.executable).with_name("flask")
    subprocess.run([str(flask), "--app", "app", *args], cwd=REPO_ROOT, env=env, check=True,
                   capture_output=True, timeout=120)  # fmt: skip


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    """gunicorn with 2 workers on a free port, a new SQLite database, content and demo data."""
    _require_browser()
    folder = tmp_path_factory.mktemp("e2e")
    env = {
        **os.environ,
        "KHIDMA_ENV": "production",
        "SECRET_KEY": "e2e-secret-key-for-this-run-only",
        "DATABASE_URL": f"sqlite:///{folder / 'e2e.sqlite3'}",
        "LOGIN_LIMIT_PER_ADDRESS": "500 per minute",
        "LOGIN_LIMIT_PER_ACCOUNT": "100 per minute",
    }
    LIVE_ENV.update(env)
    for args in (("db", "upgrade"), ("content", "sync"), ("demo", "load")):
        _flask(env, *args)
    port = _free_port()
    gunicorn = Path(sys.executable).with_name("gunicorn")
    log = (folder / "gunicorn.log").open("w")
    server = subprocess.Popen(
        [str(gunicorn), "-w", "2", "-b", f"127.0.0.1:{port}", "app:create_app()"],
        cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    _wait_until_up(base, server)
    yield base
    server.terminate()
    server.wait(timeout=10)


def _wait_until_up(base: str, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("gunicorn exited during start-up")
        try:
            with urllib.request.urlopen(base + "/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer within 30 s")


@pytest.fixture(scope="session")
def browser():
    _require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        )  # fmt: skip
        yield browser
        browser.close()


class Journey:
    """One person's visit: a page, its console errors, and helpers every journey uses."""

    def __init__(self, page, base: str, name: str):
        self.page, self.base, self.name = page, base, name
        self.console_errors: list[str] = []
        self.shots = 0
        page.on("console", lambda m: m.type == "error" and self.console_errors.append(m.text))
        page.on("pageerror", lambda exc: self.console_errors.append(str(exc)))

    def go(self, path: str):
        response = self.page.goto(self.base + path)
        assert response.status < 400, f"{path}: {response.status}"
        return response

    def sign_in(self, email: str, password: str = DEMO_PASSWORD) -> None:
        self.go("/login")
        self.page.fill("#email", email)
        self.page.fill("#password", password)
        self.page.click("button[type=submit], input[type=submit]")
        self.page.wait_for_load_state()
        assert "/login" not in self.page.url, "sign-in failed"

    def check_page(self, label: str, lang: str) -> None:
        """Screenshot, direction, console and accessibility checks of the current page."""
        ARTIFACTS.mkdir(exist_ok=True)
        self.shots += 1
        path = ARTIFACTS / f"{self.name}-{lang}-{self.shots:02d}-{label}.png"
        self.page.screenshot(path=str(path), full_page=True)
        html = self.page.locator("html")
        assert html.get_attribute("lang") == lang
        assert html.get_attribute("dir") == ("rtl" if lang == "ar" else "ltr")
        self._check_nav_side(lang)
        assert not self.console_errors, f"{label}: console errors {self.console_errors}"
        violations = accessibility_violations(self.page)
        assert not violations, f"{label}: {json.dumps(violations, ensure_ascii=False)[:1500]}"
        self._check_phone_width(label, lang)

    def _check_phone_width(self, label: str, lang: str) -> None:
        """At 390 px (a phone) the page never scrolls sideways; a screenshot is kept."""
        wide = self.page.viewport_size
        self.page.set_viewport_size(PHONE)
        try:
            self.page.wait_for_timeout(50)
            path = ARTIFACTS / f"{self.name}-{lang}-{self.shots:02d}-{label}-390px.png"
            self.page.screenshot(path=str(path), full_page=True)
            widths = self.page.evaluate(PAGE_WIDTHS)
            assert widths["scroll"] <= widths["inner"], f"{label} at 390 px: {widths}"
        finally:
            self.page.set_viewport_size(wide)

    def _check_nav_side(self, lang: str) -> None:
        brand = self.page.locator(".navbar-brand").bounding_box()
        width = self.page.viewport_size["width"]
        centre = brand["x"] + brand["width"] / 2
        assert (centre > width / 2) if lang == "ar" else (centre < width / 2), "navigation side"


def shoot(page, stem: str, width: int) -> None:
    """A full-page screenshot at `width` px saved as artifacts/<stem>.png (a stable name, for
    people to look at); at phone width the page must not scroll sideways. The window's size is
    put back afterwards."""
    ARTIFACTS.mkdir(exist_ok=True)
    before = page.viewport_size
    page.set_viewport_size(PHONE if width == PHONE["width"] else {"width": width, "height": 900})
    try:
        page.wait_for_timeout(50)
        page.screenshot(path=str(ARTIFACTS / f"{stem}.png"), full_page=True)
        if width <= PHONE["width"]:
            widths = page.evaluate(PAGE_WIDTHS)
            assert widths["scroll"] <= widths["inner"], f"{stem}: {widths}"
    finally:
        page.set_viewport_size(before)


def accessibility_violations(page) -> list[dict]:
    """axe-core's serious and critical findings for labels, headings, names and contrast."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        """async () => {
          const r = await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa']}});
          return r.violations.filter(v => ['serious', 'critical'].includes(v.impact))
            .map(v => ({id: v.id, help: v.help, nodes: v.nodes.slice(0, 3).map(n => n.target)}));
        }"""
    )
    return result


@pytest.fixture
def journey(browser, live_server, request):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield lambda name: Journey(page, live_server, name)
    context.close()


def pytest_sessionstart(session):
    if ARTIFACTS.exists():
        shutil.rmtree(ARTIFACTS, ignore_errors=True)
