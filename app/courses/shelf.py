"""The course catalogue as every progress page reads it: the active courses in tier order and
each course's active lessons. Content changes only with a sync, so both are kept per process
under the shared change counter (app/page_cache) instead of being read on every page.

The objects are detached (no session): what they hold is loaded, nothing more is read through
them. A lesson carries its course; its texts (`html`, `body`) are read where a lesson is shown.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.courses.models import Course, Lesson
from app.page_cache.pages import detached, shared_value


@dataclass(frozen=True)
class Courses:
    ordered: list[Course]  # active, in tier order
    by_id: dict[str, Course]


@dataclass(frozen=True)
class Lessons:
    by_course: dict[str, list[Lesson]]  # course id -> its active lessons in order
    by_id: dict[int, Lesson]  # every active lesson


def _courses() -> Courses:
    found = detached(
        select(Course).where(Course.active).order_by(Course.tier, Course.position, Course.id)
    )
    return Courses(found, {c.id: c for c in found})


def _lessons() -> Lessons:
    found = detached(
        select(Lesson)
        .options(joinedload(Lesson.course))
        .where(Lesson.active)
        .order_by(Lesson.course_id, Lesson.position, Lesson.id)
    )
    by_course: dict[str, list[Lesson]] = {}
    for lesson in found:
        by_course.setdefault(lesson.course_id, []).append(lesson)
    return Lessons(by_course, {x.id: x for x in found})


def active_courses() -> list[Course]:
    """The active courses, in tier order."""
    return shared_value("shelf: courses", _courses).ordered


def active_course(course_id: str) -> Course | None:
    return shared_value("shelf: courses", _courses).by_id.get(course_id)


def active_lessons(course_id: str) -> list[Lesson]:
    """A course's active lessons in order."""
    return shared_value("shelf: lessons", _lessons).by_course.get(course_id, [])


def active_lesson(lesson_id: int) -> Lesson | None:
    return shared_value("shelf: lessons", _lessons).by_id.get(lesson_id)
