"""Facts about shared data (the catalogue, the standards version) are kept per process under the
shared change counter (app/page_cache/pages.py, shared_value): a form that changes only its
reader's own data reads them as a page view does, and a request that changed shared data itself
reads what it changed."""

from flask import g
from sqlalchemy import select

from app.courses import shelf
from app.courses.models import Course
from app.extensions import db
from app.page_cache.pages import counters
from tests.courses.test_courses import synced  # noqa: F401  (fixture)
from tests.query_counter import count_queries


def _reads_the_catalogue(statements: list[str]) -> bool:
    return any("FROM lesson" in s and "ORDER BY lesson.course_id" in s for s in statements)


def test_marking_a_lesson_done_reads_the_kept_catalogue(synced, client, login_as):  # noqa: F811
    login_as("agent")
    with count_queries(db.engine) as counter:
        assert client.get("/courses/basics/lessons/first").status_code == 200
    assert _reads_the_catalogue(counter.statements)  # the first reader in this process
    with count_queries(db.engine) as counter:
        done = client.post("/courses/basics/lessons/first/done")
    assert done.status_code == 302 and done.location.endswith("/courses/basics/lessons/second")
    assert not _reads_the_catalogue(counter.statements)
    page = client.get(done.location).get_data(as_text=True)
    assert "Text of the lesson." in page and ">second (" in page


def _title(course_id: str) -> str:
    return shelf.active_course(course_id).title["en"]


def _rename(course_id: str, title: str) -> None:
    course = db.session.scalar(select(Course).where(Course.id == course_id))
    course.title = {**course.title, "en": title}


def test_a_form_that_changes_shared_data_reads_its_own_change(synced, app):  # noqa: F811
    with app.test_request_context("/admin/content/sync", method="POST"):
        counters()
        assert _title("basics") == "Course basics"  # kept from here on
        _rename("basics", "Renamed basics")  # not yet flushed
        assert _title("basics") == "Renamed basics"
        db.session.commit()  # committed after the counters were read
        assert _title("basics") == "Renamed basics"
        assert _title("talking") == "Course talking"
    vars(g).clear()  # the tests' app context outlives a request: a new request starts afresh
    with app.test_request_context("/courses", method="GET"):
        assert _title("basics") == "Renamed basics"  # the next request, under the new counter
        with count_queries(db.engine) as counter:
            assert _title("basics") == "Renamed basics"
        assert counter.statements == []  # and kept under it


def test_a_form_that_changed_shared_data_and_rolled_back_reads_what_stands(
    synced,  # noqa: F811
    app,
):
    with app.test_request_context("/admin/content/sync", method="POST"):
        counters()
        _rename("basics", "Renamed basics")
        assert _title("basics") == "Renamed basics"
        db.session.rollback()
        assert _title("basics") == "Course basics"
