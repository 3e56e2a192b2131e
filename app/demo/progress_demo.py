"""Course history for the demo agents: the longer someone has worked here, the more tiers they
have completed, so dashboards and reports start with a realistic spread. Call after the demo
people and the content are loaded; the caller commits."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select

from app.courses.models import Course, CourseCompletion, Lesson, LessonProgress
from app.demo import data
from app.extensions import db
from app.people.models import Role, User

# Days of service after which a tier is complete (the newest hires have done nothing yet).
TIER_AFTER_DAYS = {1: 60, 2: 150, 3: 300, 4: 600}


def load_progress_demo(today: date) -> int:
    """Lesson progress and course completions by tenure; returns the completions created."""
    agents = db.session.scalars(
        select(User).where(User.role == Role.AGENT, User.email.like(f"%@{data.DEMO_DOMAIN}"))
    ).all()
    courses = db.session.scalars(select(Course).where(Course.active)).all()
    if not agents or not courses or _already_loaded(agents):
        return 0
    created = 0
    for agent in agents:
        tenure = (today - agent.hire_date).days
        for course in courses:
            threshold = TIER_AFTER_DAYS.get(course.tier)
            if threshold is not None and tenure >= threshold:
                when = _moment(agent.hire_date + timedelta(days=threshold - 10))
                _complete(agent, course, when)
                created += 1
    return created


def _already_loaded(agents: list[User]) -> bool:
    ids = [a.id for a in agents]
    return (
        db.session.scalar(
            select(CourseCompletion.id).where(CourseCompletion.user_id.in_(ids)).limit(1)
        )
        is not None
    )


def _complete(agent: User, course: Course, when: datetime) -> None:
    lessons = db.session.scalars(select(Lesson).where(Lesson.course_id == course.id, Lesson.active))
    for lesson in lessons:
        db.session.add(LessonProgress(user_id=agent.id, lesson_id=lesson.id, first_opened_at=when,
                                      last_opened_at=when, completed_at=when))  # fmt: skip
    db.session.add(CourseCompletion(user_id=agent.id, course_id=course.id, completed_at=when))


def _moment(day: date) -> datetime:
    return datetime.combine(day, time(10, 0), UTC)
