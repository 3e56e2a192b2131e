"""The courses shipped in courses/: complete, bilingual, and every lesson renders in both languages."""

import re

import pytest
from markupsafe import escape
from sqlalchemy import select

from app.content.services import check_content, sync_content
from app.courses.models import Course, CourseCompletion, Lesson
from app.extensions import db
from tests.conftest import REPO_ROOT
from tests.html_checks import active_content

ARABIC_LETTER = re.compile(r"[\u0600-\u06FF]")


@pytest.fixture
def shipped(app):
    sync_content(REPO_ROOT)
    db.session.commit()


def test_shipped_content_has_no_problems():
    assert [str(p) for p in check_content(REPO_ROOT)[1]] == []


def test_four_tiers_of_courses_with_four_or_more_lessons(shipped):
    courses = db.session.scalars(select(Course).where(Course.active)).all()
    assert sorted(c.tier for c in courses) == [1, 2, 3, 4]
    for course in courses:
        assert len([lesson for lesson in course.lessons if lesson.active]) >= 4, course.id


def test_every_lesson_has_300_words_and_key_points_in_both_languages(shipped):
    for lesson in db.session.scalars(select(Lesson).where(Lesson.active)):
        for lang, heading in (("ar", "النقاط الرئيسية"), ("en", "Key points")):
            text = lesson.body[lang]
            assert len(text.split()) >= 300, (lesson.course_id, lesson.slug, lang)
            assert heading in text, (lesson.course_id, lesson.slug, lang)
        arabic_share = len(ARABIC_LETTER.findall(lesson.body["ar"])) / len(lesson.body["ar"])
        assert arabic_share > 0.5 and " the " in lesson.body["en"]


@pytest.mark.parametrize("locale", ["ar", "en"])
def test_every_lesson_renders_in_both_languages(shipped, client, login_as, locale):
    agent = login_as("agent", locale=locale)
    for course in db.session.scalars(select(Course)):
        db.session.add(CourseCompletion(user_id=agent.id, course_id=course.id))
    db.session.commit()
    direction = "rtl" if locale == "ar" else "ltr"
    for lesson in db.session.scalars(select(Lesson).where(Lesson.active)):
        response = client.get(f"/courses/{lesson.course_id}/lessons/{lesson.slug}")
        assert response.status_code == 200, lesson.slug
        html = response.get_data(as_text=True)
        assert f'<html lang="{locale}" dir="{direction}">' in html
        body = html.split('class="lesson-body"')[1].split("</article>")[0]
        assert "<h2>" in body and active_content(body) == []
        assert str(escape(lesson.title[locale])) in html
