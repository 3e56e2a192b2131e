"""Language done properly: Arabic plural forms wherever a number meets a noun, one date format
per kind (a date; a date and time without seconds) in the installation's time zone, and no
stored codes on the pages people read (audit actions and changes, content counts)."""

import re
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from app.audit.models import AuditEntry
from app.content.services import sync_content
from app.extensions import db
from app.i18n import format_day, format_moment
from app.people import services as people
from tests.content_tree import write


def _main(html: str) -> str:
    return html.split('<main id="main"')[1].split("</main>")[0]


@pytest.mark.parametrize(
    "minutes, shown, about",
    [(1, "دقيقة واحدة", "نحو دقيقة واحدة"), (2, "دقيقتان", "نحو دقيقتين"),
     (3, "3 دقائق", "نحو 3 دقائق"), (10, "10 دقائق", "نحو 10 دقائق"),
     (11, "11 دقيقةً", "نحو 11 دقيقةً"), (100, "100 دقيقة", "نحو 100 دقيقة")],
)  # fmt: skip
def test_arabic_says_minutes_in_the_form_the_number_takes(
    app, content_root, client, login_as, minutes, shown, about
):
    course = (content_root / "courses/basics/course.yaml").read_text(encoding="utf-8")
    course = course.replace('title: {ar: "الأول", en: "First"}',
                            f'title: {{ar: "الأول", en: "First"}}\n    minutes: {minutes}')  # fmt: skip
    write(content_root, "courses/basics/course.yaml", course)
    sync_content(content_root)
    db.session.commit()
    login_as("agent", locale="ar")
    page = _main(client.get("/courses/basics").get_data(as_text=True))
    assert shown in page, re.findall(r"\d* ?دقيق\w*", page)
    lesson = _main(client.get("/courses/basics/lessons/first").get_data(as_text=True))
    assert about in lesson


def test_one_date_format_per_kind_in_the_installations_time_zone(app):
    moment = datetime(2026, 12, 5, 21, 30, 45, tzinfo=UTC)  # 6 December, 00:30:45 in Riyadh
    app.config["BABEL_DEFAULT_TIMEZONE"] = "Asia/Riyadh"
    with app.test_request_context("/"):
        from flask_babel import force_locale, refresh

        refresh()
        with force_locale("en"):
            assert format_day(date(2026, 12, 6)) == "December 6, 2026"
            assert format_day("2026-12-06") == "December 6, 2026"
            assert format_moment(moment) == "December 6, 2026, 12:30\u202fAM"
        with force_locale("ar"):
            shown = format_moment(moment)
            assert shown.startswith("6 ديسمبر 2026") and "12:30" in shown
            assert ":45" not in shown  # no seconds


def test_the_audit_log_names_actions_and_shows_changes_as_old_to_new(app, client, login_as):
    admin = login_as("admin")
    person = people.create_person(
        {"employee_no": "E7", "email": "e7@khidma.example", "name_ar": "أحمد", "name_en": "Ahmed",
         "role": "agent", "hire_date": date(2026, 1, 1), "locale": "ar"}, actor=admin,
    )  # fmt: skip
    people.update_person(person, {"name_ar": "أحمد علي", "active": False}, actor=admin)
    db.session.commit()
    html = _main(client.get("/admin/audit").get_data(as_text=True))
    assert "Person updated" in html and "Person added" in html
    visible = re.sub(r"<[^>]*>", "", html)  # the code may stay in data attributes, not in text
    assert "person_updated" not in visible and "name_ar" not in visible
    assert "Name (Arabic): <bdi>أحمد</bdi> → <bdi>أحمد علي</bdi>" in html
    assert "Active: <bdi>yes</bdi> → <bdi>no</bdi>" in html
    assert "\\u" not in html and "{&#34;" not in html and '{"' not in html
    assert db.session.scalar(select(AuditEntry.action).where(AuditEntry.action == "person_updated"))


def test_the_content_page_counts_in_sentences(app, content_root, client, login_as, monkeypatch):
    admin = login_as("admin", locale="ar")
    monkeypatch.setitem(app.config, "CONTENT_DIR", content_root)
    sync_content(content_root, actor=admin)
    db.session.commit()
    html = _main(client.get("/admin/content").get_data(as_text=True))
    assert "أُضيفت دورتان" in html  # two courses: the dual form
    assert "courses_added" not in html and "{&#34;" not in html
    client.post("/logout")
    login_as("admin", locale="en")
    html = _main(client.get("/admin/content").get_data(as_text=True))
    assert "2 courses added" in html and "4 lessons added" in html
