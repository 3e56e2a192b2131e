"""One person opening the same lesson from several tabs at once: every request is answered,
and one progress row is kept, on SQLite and on PostgreSQL alike."""

import threading

import pytest
from sqlalchemy import select

from app.courses.models import CourseCompletion, Lesson, LessonProgress
from app.extensions import db
from tests.conftest import PASSWORD
from tests.courses.test_courses import synced  # noqa: F401  (fixture)

TABS = 8


def _at_once(app, user, method: str, path: str) -> list[int]:
    """Send the same request from TABS browsers, each signed in on its own thread (and so in
    its own app context and database session), released together."""
    email = user.email
    db.session.rollback()  # the test holds no snapshot or lock open while the tabs work
    start, statuses = threading.Barrier(TABS), []

    def tab() -> None:
        client = app.test_client()
        signed_in = client.post("/login", data={"email": email, "password": PASSWORD})
        start.wait()
        statuses.append((signed_in.status_code, client.open(path, method=method).status_code))

    threads = [threading.Thread(target=tab) for _ in range(TABS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [signed_in for signed_in, _ in statuses] == [302] * TABS
    return [status for _, status in statuses]


def _rows(user_id: int, slug: str) -> list[LessonProgress]:
    db.session.rollback()  # read what the tabs committed
    return list(db.session.scalars(
        select(LessonProgress).join(Lesson).where(
            LessonProgress.user_id == user_id, Lesson.course_id == "basics", Lesson.slug == slug
        )
    ))  # fmt: skip


@pytest.mark.parametrize("slug", ["first", "second"])
def test_first_opens_of_a_lesson_at_once_answer_and_keep_one_row(synced, app, make_user, slug):  # noqa: F811
    agent = make_user("agent")
    statuses = _at_once(app, agent, "GET", f"/courses/basics/lessons/{slug}")
    assert statuses == [200] * TABS
    rows = _rows(agent.id, slug)
    assert len(rows) == 1
    assert rows[0].first_opened_at is not None and rows[0].completed_at is None


def test_a_lesson_marked_done_from_several_tabs_at_once_is_done_once(synced, app, make_user):  # noqa: F811
    agent = make_user("agent")
    statuses = _at_once(app, agent, "POST", "/courses/basics/lessons/second/done")
    assert statuses == [302] * TABS
    rows = _rows(agent.id, "second")
    assert len(rows) == 1 and rows[0].completed_at is not None


def test_the_last_lesson_done_from_several_tabs_at_once_completes_the_course_once(
    synced,  # noqa: F811
    app,
    make_user,
    client,
    login,  # noqa: F811
):
    agent = make_user("agent")
    db.session.add(CourseCompletion(user_id=agent.id, course_id="basics"))
    db.session.commit()
    login(agent)
    assert client.post("/courses/talking/lessons/first/done").status_code == 302
    statuses = _at_once(app, agent, "POST", "/courses/talking/lessons/second/done")
    assert statuses == [302] * TABS
    completions = db.session.scalars(
        select(CourseCompletion).where(
            CourseCompletion.user_id == agent.id, CourseCompletion.course_id == "talking"
        )
    )
    assert len(list(completions)) == 1
