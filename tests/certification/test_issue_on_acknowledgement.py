"""A certificate whose last missing requirement is the standards acknowledgement is issued the
moment the agent acknowledges, not at the next nightly run."""

from sqlalchemy import select

from app.certification.models import Certificate
from app.content.services import sync_content
from app.courses.models import CourseCompletion
from app.extensions import db
from tests.conftest import REPO_ROOT


def test_acknowledging_the_standards_issues_level_one(client, login, make_user):
    sync_content(REPO_ROOT)
    agent = make_user("agent")
    for course in ("product-basics", "communication"):
        db.session.add(CourseCompletion(user_id=agent.id, course_id=course))
    db.session.commit()
    assert db.session.scalar(select(Certificate).where(Certificate.user_id == agent.id)) is None
    login(agent)
    response = client.post("/standards/acknowledge", data={"confirm": "y"})
    assert response.status_code in (200, 302)
    issued = db.session.scalar(select(Certificate).where(Certificate.user_id == agent.id))
    assert issued is not None and issued.certification_id == "level-1-service-agent"
