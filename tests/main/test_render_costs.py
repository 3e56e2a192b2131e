"""What every page renders around its content (the unread count, the standards banner, the
interface's translations) costs little, and still follows every change at once."""

import cProfile
import pstats

from app.content.services import sync_content
from app.extensions import db
from app.notifications.services import mark_all_read, notify
from tests.certification.helpers import CERTIFICATIONS, with_certifications
from tests.content_tree import write
from tests.courses.test_courses import synced  # noqa: F401  (fixture)
from tests.query_counter import count_queries


def _statements(client, path: str) -> list[str]:
    with count_queries(db.engine) as counter:
        assert client.get(path).status_code == 200
    return counter.statements


def _asks_unread(statements: list[str]) -> bool:
    return any("FROM notification" in s and "count(" in s.lower() for s in statements)


def test_the_unread_count_is_asked_again_only_after_a_change(
    synced,  # noqa: F811
    client,
    login_as,
    make_user,  # noqa: F811
):
    agent, other = login_as("agent"), make_user("agent")
    assert _asks_unread(_statements(client, "/"))
    assert not _asks_unread(_statements(client, "/courses"))
    notify(other.id, "due_today", {"course": "basics"})  # someone else's: mine stays kept
    db.session.commit()
    assert not _asks_unread(_statements(client, "/"))
    notify(agent.id, "due_today", {"course": "basics"})
    db.session.commit()
    statements = _statements(client, "/")
    assert _asks_unread(statements)
    assert "unread</span>" in client.get("/").get_data(as_text=True)
    mark_all_read(agent.id)
    db.session.commit()
    assert "unread</span>" not in client.get("/").get_data(as_text=True)


def _lookups(client, path: str) -> int:
    """How often the page asked Flask-Babel for its catalogue while rendering."""
    profile = cProfile.Profile()
    profile.enable()
    assert client.get(path).status_code == 200
    profile.disable()
    return sum(
        row[1]
        for (filename, _line, name), row in pstats.Stats(profile).stats.items()
        if name == "get_translations" and "flask_babel" in filename
    )


def test_a_page_looks_its_translations_up_once_not_per_message(
    synced,  # noqa: F811
    client,
    login_as,  # noqa: F811
):
    login_as("hr", locale="ar")
    client.get("/certification/report")
    page = client.get("/certification/report").get_data(as_text=True)
    assert "تقرير" in page  # still in the reader's language
    # Once for the template's messages, and once for each label built in Python (the five
    # status names, the menu); not once per message in the template (about eighty).
    # per message it was about 100; what is left is gettext in Python (labels, chart captions)
    assert _lookups(client, "/certification/report") <= 20


def test_shared_facts_kept_per_process_follow_a_content_change_at_once(
    content_root,
    client,
    login_as,  # noqa: F811
):
    """Certification titles, what is still to do and the course titles it names are read once
    per process, and read again as soon as content changes."""
    with_certifications(content_root)
    login_as("agent", locale="en")
    home = client.get("/").get_data(as_text=True)
    assert "Starter" in home and "Complete the course “Course basics”" in home
    with count_queries(db.engine) as counter:
        assert client.get("/").status_code == 200
    assert not any("FROM certification WHERE" in s for s in counter.statements)
    write(content_root, "courses/certifications.yaml",
          CERTIFICATIONS.replace('en: "Starter"', 'en: "Beginner"'))  # fmt: skip
    course_file = content_root / "courses/basics/course.yaml"
    write(content_root, "courses/basics/course.yaml",
          course_file.read_text().replace("Course basics", "Renamed basics"))  # fmt: skip
    assert sync_content(content_root).changed
    db.session.commit()
    home = client.get("/").get_data(as_text=True)
    assert "Beginner" in home and "Starter" not in home
    assert "Complete the course “Renamed basics”" in home
