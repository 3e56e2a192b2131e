"""Which requirements of a certification an agent meets, for many agents in a fixed number of
queries, and whether a refresher course has been done again since it was assigned."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, or_, select

from app.certification.models import Certification
from app.courses import services as courses
from app.courses.models import Course, Lesson, LessonProgress
from app.extensions import db
from app.quizzes import services as quizzes
from app.quizzes.models import Attempt, ScoreOverride
from app.standards import services as standards


@dataclass(frozen=True)
class Standing:
    met: int
    total: int

    @property
    def complete(self) -> bool:
        return self.total > 0 and self.met >= self.total

    @property
    def percent(self) -> int:
        return round(100 * self.met / self.total) if self.total else 0


@dataclass(frozen=True)
class Requirement:
    kind: str  # "course", "quiz", "acknowledgement" or "standard"
    ref: str  # the course, quiz or standard id ("" for the acknowledgement)
    met: bool


def requirement_standings(
    user_ids: list[int], certifications: list[Certification]
) -> dict[tuple[int, str], Standing]:
    """(user id, certification id) -> requirements met out of the total."""
    items = requirement_items(user_ids, certifications)
    return {key: Standing(sum(r.met for r in reqs), len(reqs)) for key, reqs in items.items()}


def requirement_items(
    user_ids: list[int], certifications: list[Certification], record=None
) -> dict[tuple[int, str], list[Requirement]]:
    """(user id, certification id) -> each requirement and whether it is met, in the order the
    certification lists them. `record`: these users' learning record (app.courses), when the
    caller has read it, for their completed and recognised courses and passed quizzes."""
    if not user_ids or not certifications:
        return {}
    needs = [c.requirements for c in certifications]
    if record is not None:
        completed, recognised, passed = record.completed, record.recognised, record.passed
    else:
        completed, recognised, passed = _learning(user_ids, certifications, needs)
    wants_ack = any(r.get("acknowledge_standards") for r in needs)
    wants_status = any(r.get("standards_met") for r in needs)
    if wants_ack and wants_status:
        acknowledged, statuses = standards.acknowledged_and_statuses(user_ids)
    else:
        acknowledged = standards.acknowledged_current(user_ids) if wants_ack else set()
        statuses = standards.current_statuses(user_ids) if wants_status else {}
    table = {}
    for user_id in user_ids:
        for cert in certifications:
            req = cert.requirements
            counted = completed[user_id]
            if cert.accept_recognised:
                counted = counted | recognised[user_id]
            items = [Requirement("course", c, c in counted) for c in req.get("courses", [])]
            items += [Requirement("quiz", q, q in passed.get(user_id, ()))
                      for q in req.get("quizzes", [])]  # fmt: skip
            if req.get("acknowledge_standards"):
                items.append(Requirement("acknowledgement", "", user_id in acknowledged))
            items += [Requirement("standard", s, statuses.get((user_id, s)) == "met")
                      for s in req.get("standards_met", [])]  # fmt: skip
            table[(user_id, cert.id)] = items
    return table


def _learning(user_ids: list[int], certifications: list[Certification], needs: list[dict]):
    """Completed courses, recognised courses and passed quizzes, each read only if needed."""
    completed = courses.completed_course_ids(user_ids)
    if any(c.accept_recognised for c in certifications):
        recognised = courses.recognised_course_ids(user_ids)
    else:
        recognised = {}
    passed = quizzes.passed_quiz_ids(user_ids) if any(r.get("quizzes") for r in needs) else {}
    return completed, recognised, passed


def redone_since(user_id: int, course: Course, since: datetime) -> bool:
    """Whether the agent has done the course again since `since`: passed each of its quizzes
    (a course without quizzes: opened each of its lessons) after that moment."""
    if course.quiz_ids:
        return set(course.quiz_ids) <= _passed_since(user_id, since)
    lesson_ids = [lesson.id for lesson in course.lessons if lesson.active]
    opened = set(db.session.scalars(
        select(LessonProgress.lesson_id).join(Lesson, Lesson.id == LessonProgress.lesson_id)
        .where(LessonProgress.user_id == user_id, LessonProgress.last_opened_at >= since)
    ))  # fmt: skip
    return bool(lesson_ids) and set(lesson_ids) <= opened


def _passed_since(user_id: int, since: datetime) -> set[str]:
    """Quizzes passed in attempts submitted since then, counting managers' overrides."""
    latest = quizzes.latest_override_ids()
    query = (
        select(Attempt.quiz_id)
        .outerjoin(latest, latest.c.attempt_id == Attempt.id)
        .outerjoin(ScoreOverride, ScoreOverride.id == latest.c.id)
        .where(Attempt.user_id == user_id, Attempt.submitted_at >= since)
        .where(
            or_(
                and_(ScoreOverride.id.is_(None), Attempt.auto_passed.is_(True)),
                ScoreOverride.passed.is_(True),
            )
        )
        .distinct()
    )
    return set(db.session.scalars(query))
