"""`make run PORT=...` serves on that port, and certificates point at the address it serves."""

import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _serve_line(**variables: str) -> list[str]:
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    args = ["make", "-n", "run", *(f"{k}={v}" for k, v in variables.items())]
    env = {k: v for k, v in os.environ.items() if k != "PUBLIC_BASE_URL"}
    out = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    [line] = [line for line in out.stdout.splitlines() if " run --host " in line]
    return shlex.split(line)


def _configured_base_url(words: list[str]) -> str:
    """The PUBLIC_BASE_URL the app reads when started with the line's environment."""
    env = dict(os.environ)
    env.update(w.split("=", 1) for w in words if "=" in w and not w.startswith("-"))
    code = "import config; print(config.Config.PUBLIC_BASE_URL)"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True,
                         text=True, check=True)  # fmt: skip
    return out.stdout.strip()


def test_make_run_on_another_port_prints_that_address_on_certificates():
    words = _serve_line(PORT="8123")
    assert words[-4:] == ["--host", "127.0.0.1", "--port", "8123"]
    assert _configured_base_url(words) == "http://127.0.0.1:8123"


def test_a_configured_public_address_wins():
    words = _serve_line(PORT="8123", PUBLIC_BASE_URL="https://khidma.example.com")
    assert _configured_base_url(words) == "https://khidma.example.com"


def test_the_readme_documents_port():
    assert "make run PORT=" in (ROOT / "README.md").read_text(encoding="utf-8")
