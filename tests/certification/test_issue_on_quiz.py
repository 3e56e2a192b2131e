"""A certificate whose last missing requirement is a quiz is issued the moment the agent passes
it (or a manager's review turns the attempt into a pass), not at the next nightly run."""

import re
from datetime import date

from sqlalchemy import select

from app.certification.models import Certificate
from app.content.services import sync_content
from app.extensions import db
from tests.certification.helpers import travel
from tests.content_tree import write

DAY = date(2026, 3, 2)
QUIZ_ONLY = """
certifications:
  - id: quiz-only
    title: {ar: "شهادة الاختبار", en: "Quiz only"}
    summary: "The basics quiz"
    requires:
      quizzes: [basics-quiz]
    valid_for_days: 365
    renew_window_days: 30
    refresher_courses: [basics]
"""


def _submit(client, answer: str):
    page = client.get("/quizzes/basics-quiz").get_data(as_text=True)
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    return client.post("/quizzes/basics-quiz/submit", data={"token": token, "q-q1": answer})


def _certificates(agent):
    return db.session.scalars(select(Certificate).where(Certificate.user_id == agent.id)).all()


def test_passing_a_required_quiz_issues_the_certificate(app, content_root, client, login,
                                                       make_user, monkeypatch):  # fmt: skip
    travel(monkeypatch, app, DAY, hour=9)
    write(content_root, "courses/certifications.yaml", QUIZ_ONLY)
    sync_content(content_root)
    db.session.commit()
    agent = make_user("agent")
    login(agent)
    assert _submit(client, "false").status_code == 302  # failed: nothing yet
    assert _certificates(agent) == []
    travel(monkeypatch, app, DAY, hour=10)  # past the wait between attempts
    assert _submit(client, "true").status_code == 302  # the course itself is not complete
    assert [c.certification_id for c in _certificates(agent)] == ["quiz-only"]
