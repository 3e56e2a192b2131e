"""A role-play answer is standards evidence at once: the agent's standing moves when the quiz is
submitted and when a manager overrides the score, not at the next nightly run."""

import re

from sqlalchemy import select

from app.content.services import sync_content
from app.courses.models import CourseCompletion
from app.extensions import db
from app.quizzes.models import Answer
from app.standards.models import ComplianceStatus
from tests.conftest import REPO_ROOT

WEAK = "ok we will check"


def _statuses(user_id: int) -> dict[str, str]:
    rows = db.session.execute(
        select(ComplianceStatus.standard_id, ComplianceStatus.status).where(
            ComplianceStatus.user_id == user_id
        )
    ).all()
    return dict(rows)


def _score(user_id: int, standard_id: str) -> float:
    return db.session.scalar(
        select(ComplianceStatus.score).where(
            ComplianceStatus.user_id == user_id, ComplianceStatus.standard_id == standard_id
        )
    )


def test_submitting_and_overriding_a_roleplay_updates_the_standing(
    client, login, make_user, make_team
):
    sync_content(REPO_ROOT)
    db.session.commit()
    manager = make_user("manager")
    team = make_team(code="care", manager=manager)
    agent = make_user("agent", team=team)
    db.session.add(CourseCompletion(user_id=agent.id, course_id="product-basics"))
    db.session.commit()
    login(agent)
    page = client.get("/quizzes/communication-roleplay").get_data(as_text=True)
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    fields = set(re.findall(r'<textarea[^>]*name="(q-[^"]+)"', page))
    response = client.post("/quizzes/communication-roleplay/submit",
                           data={"token": token, **{name: WEAK for name in fields}})  # fmt: skip
    assert response.status_code == 302
    assert _statuses(agent.id).get("STD-06") == "not_met"  # no apology, empathy, thanks...
    before = _score(agent.id, "STD-06")

    answer = db.session.scalar(select(Answer).where(Answer.score.is_not(None)).limit(1))
    client.post("/logout")
    login(manager)
    keys = re.findall(
        r'name="(c-[^"]+)"', client.get(f"/review/answers/{answer.id}").get_data(as_text=True)
    )
    overridden = client.post(f"/review/answers/{answer.id}",
                             data={"reason": "heard the call", **{key: "1" for key in keys}})  # fmt: skip
    assert overridden.status_code in (200, 302)
    db.session.expire_all()
    assert _score(agent.id, "STD-06") > before  # the manager credited the criteria
