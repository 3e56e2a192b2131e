"""A running record store on 127.0.0.1 and Khidma pointed at it, with the clock fixed."""

import re
from datetime import date

import pytest

from tests.certification.helpers import travel, with_certifications
from tests.xapi.lrs import RecordStore, RunningStore

BASE_URL = "https://khidma.example.com"
START = date(2026, 3, 1)


@pytest.fixture
def lrs(app, monkeypatch):
    store = RecordStore("khidma-key", "khidma-secret", BASE_URL)
    with RunningStore(store) as running:
        for key, value in {"XAPI_ENDPOINT": running.endpoint, "XAPI_KEY": "khidma-key",
                           "XAPI_SECRET": "khidma-secret",
                           "PUBLIC_BASE_URL": BASE_URL}.items():  # fmt: skip
            monkeypatch.setitem(app.config, key, value)
        yield store


@pytest.fixture
def learning(app, content_root, monkeypatch):
    """Courses, a quiz and certifications loaded, the clock on START."""
    travel(monkeypatch, app, START)
    return with_certifications(content_root)


@pytest.fixture
def take_quiz(client):
    """Take basics-quiz through the quiz pages as the signed-in person; True answers right."""

    def do(right: bool = True, token: str | None = None):
        if token is None:
            page = client.get("/quizzes/basics-quiz").get_data(as_text=True)
            token = re.search(r'name="token" value="([^"]+)"', page).group(1)
        answer = "true" if right else "false"
        response = client.post("/quizzes/basics-quiz/submit", data={"token": token, "q-q1": answer})
        assert response.status_code == 302, response.get_data(as_text=True)[:300]
        return token

    return do


def send(runner) -> str:
    result = runner.invoke(args=["xapi", "send"])
    assert result.exit_code == 0, result.output + repr(result.exception)
    return result.output
