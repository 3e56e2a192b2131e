"""Course progress: what is open, what is done, what comes next, and onboarding enrolment."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from functools import cache

from sqlalchemy import and_, bindparam, func, select

from app import clock, events
from app.courses.models import (
    Course,
    CourseCompletion,
    CourseRecognition,
    Lesson,
    LessonProgress,
)
from app.courses.recognition import (  # noqa: F401  (other capabilities use them from here)
    recognise_course,
    recognised_course_ids,
    recognitions_of,
)
from app.database import insert_if_missing
from app.extensions import db
from app.page_cache.pages import shared_value
from app.people.models import User
from app.quizzes import services as quizzes
from app.quizzes.models import Quiz


@dataclass
class Progress:
    """One agent's standing in one course."""

    course: Course
    lessons_done: int = 0
    lessons_total: int = 0
    quizzes_passed: int = 0
    quizzes_total: int = 0
    completed: bool = False
    missing: list[Course] = field(default_factory=list)  # prerequisites not yet complete
    attempts: int = 0  # quiz attempts submitted in the course, passed or not
    best_score: float | None = None  # the best of those attempts (percent)
    recognition: CourseRecognition | None = None  # exempt by a placement test

    @property
    def percent(self) -> int:
        total = self.lessons_total + self.quizzes_total
        if self.completed or self.recognition:
            return 100
        if not total:
            return 0
        return round(100 * (self.lessons_done + self.quizzes_passed) / total)

    @property
    def status(self) -> str:
        if self.completed:
            return "done"
        if self.recognition is not None:
            return "recognised"
        if self.missing:
            return "locked"
        started = self.lessons_done or self.quizzes_passed or self.attempts
        return "in_progress" if started else "open"


class CourseLocked(Exception):
    def __init__(self, course: Course, missing: list[Course]):
        super().__init__(course.id)
        self.course = course
        self.missing = missing


# Statements that every page about progress runs are built once (building one costs more than
# running it); the values go in as parameters.
@cache
def _statement(name: str):
    user_ids = bindparam("user_ids", expanding=True)
    if name == "active courses":
        return select(Course).where(Course.active).order_by(Course.tier, Course.position)
    if name == "active lesson counts":
        return (
            select(Lesson.course_id, func.count(Lesson.id))
            .where(Lesson.active)
            .group_by(Lesson.course_id)
        )
    if name == "lessons done":
        return (
            select(LessonProgress.user_id, Lesson.course_id, func.count(LessonProgress.id))
            .join(Lesson, Lesson.id == LessonProgress.lesson_id)
            .where(LessonProgress.user_id.in_(user_ids), LessonProgress.completed_at.is_not(None))
            .where(Lesson.active)
            .group_by(LessonProgress.user_id, Lesson.course_id)
        )
    if name == "lessons of a course":  # (done by the user, active in all)
        done = and_(LessonProgress.lesson_id == Lesson.id,
                    LessonProgress.user_id == bindparam("user_id"),
                    LessonProgress.completed_at.is_not(None))  # fmt: skip
        return (
            select(func.count(LessonProgress.id), func.count(Lesson.id))
            .outerjoin(LessonProgress, done)
            .where(Lesson.course_id == bindparam("course_id"), Lesson.active)
        )
    if name == "completed courses":
        return select(CourseCompletion.user_id, CourseCompletion.course_id).where(
            CourseCompletion.user_id.in_(user_ids)
        )
    if name == "reading":
        return (
            select(LessonProgress.lesson_id, LessonProgress.completed_at,
                   LessonProgress.last_opened_at)
            .join(Lesson, Lesson.id == LessonProgress.lesson_id)
            .where(LessonProgress.user_id == bindparam("user_id"), Lesson.active)
        )  # fmt: skip
    raise KeyError(name)


def active_courses() -> list[Course]:
    return list(db.session.scalars(_statement("active courses")))


def progress_for(user_ids: list[int], courses: list[Course]) -> dict[tuple[int, str], Progress]:
    """Progress of many agents in many courses with a fixed number of queries."""
    lesson_totals = _active_lesson_counts()
    done = _lessons_done(user_ids)
    passed = quizzes.passed_quiz_ids(user_ids)
    completed = completed_course_ids(user_ids)
    tried = quizzes.attempt_summaries(user_ids)
    recognised = recognitions_of(user_ids)
    recognised_ids: dict[int, set[str]] = defaultdict(set)
    for user_id, course_id in recognised:
        recognised_ids[user_id].add(course_id)
    by_id = {c.id: c for c in courses}
    table = {}
    for user_id in user_ids:
        counted = completed[user_id] | recognised_ids[user_id]  # for prerequisites
        for course in courses:
            active_quizzes = set(course.quiz_ids)
            summaries = [tried[(user_id, q)] for q in course.quiz_ids if (user_id, q) in tried]
            table[(user_id, course.id)] = Progress(
                course=course,
                lessons_done=done.get((user_id, course.id), 0),
                lessons_total=lesson_totals.get(course.id, 0),
                quizzes_passed=len(active_quizzes & passed[user_id]),
                quizzes_total=len(active_quizzes),
                completed=course.id in completed[user_id],
                missing=[by_id[r] for r in course.requires if r in by_id and r not in counted],
                attempts=sum(n for n, _best in summaries),
                best_score=max((best for _n, best in summaries), default=None),
                recognition=recognised.get((user_id, course.id)),
            )
    return table


def _active_lesson_counts() -> dict[str, int]:
    return shared_value(
        "active lesson counts",
        lambda: dict(db.session.execute(_statement("active lesson counts")).all()),
    )


def _lessons_done(user_ids: list[int]) -> dict[tuple[int, str], int]:
    rows = db.session.execute(_statement("lessons done"), {"user_ids": list(user_ids)})
    return {(u, c): n for u, c, n in rows}


def completed_course_ids(user_ids: list[int]) -> dict[int, set[str]]:
    result: dict[int, set[str]] = {user_id: set() for user_id in user_ids}
    rows = db.session.execute(_statement("completed courses"), {"user_ids": list(user_ids)})
    for user_id, course_id in rows:
        result[user_id].add(course_id)
    return result


def done_course_ids(user_id: int) -> set[str]:
    """Completed or recognised: what counts for prerequisites and the onboarding path."""
    return completed_course_ids([user_id])[user_id] | recognised_course_ids([user_id])[user_id]


def catalogue(user: User) -> list[Progress]:
    """Every active course, in tier order, with the user's standing."""
    courses = active_courses()
    table = progress_for([user.id], courses)
    return [table[(user.id, c.id)] for c in courses]


def check_open(user: User, course: Course) -> None:
    """Raise CourseLocked when a prerequisite is neither complete nor recognised."""
    done = done_course_ids(user.id)
    missing_ids = [r for r in course.requires if r not in done]
    if missing_ids:
        missing = list(db.session.scalars(select(Course).where(Course.id.in_(missing_ids))))
        raise CourseLocked(course, missing)


def lesson_states(user: User, course: Course) -> dict[int, LessonProgress]:
    query = (
        select(LessonProgress)
        .join(Lesson, Lesson.id == LessonProgress.lesson_id)
        .where(LessonProgress.user_id == user.id, Lesson.course_id == course.id)
    )
    return {p.lesson_id: p for p in db.session.scalars(query)}


def active_lessons(course: Course) -> list[Lesson]:
    return [lesson for lesson in course.lessons if lesson.active]


RESUME_PRECISION = timedelta(minutes=2)


def lesson_open_to_record(user: User, lesson: Lesson) -> bool:
    """Whether opening the lesson now should be recorded (nothing is written here): re-reading
    the same page within a couple of minutes records nothing."""
    last = db.session.scalar(
        select(LessonProgress.last_opened_at).where(
            LessonProgress.user_id == user.id, LessonProgress.lesson_id == lesson.id
        )
    )
    return last is None or clock.now() - last >= RESUME_PRECISION


def record_lesson_opened(user: User, lesson: Lesson) -> None:
    """Remember the lesson as the place to resume; the caller commits."""
    _progress_row(user, lesson).last_opened_at = clock.now()


def _progress_row(user: User, lesson: Lesson) -> LessonProgress:
    """The reader's row for the lesson, created when missing by an insert that does nothing
    when a concurrent request of the same reader created it first."""
    query = select(LessonProgress).where(
        LessonProgress.user_id == user.id, LessonProgress.lesson_id == lesson.id
    )
    row = db.session.scalar(query)
    if row is None:
        now = clock.now()
        db.session.execute(
            insert_if_missing(db.session, LessonProgress, "user_id", "lesson_id"),
            {"user_id": user.id, "lesson_id": lesson.id, "first_opened_at": now,
             "last_opened_at": now},
        )  # fmt: skip
        row = db.session.scalar(query)
    return row


def mark_lesson_done(user: User, lesson: Lesson) -> bool:
    """Mark a lesson done; returns whether this completed its course. The caller commits.
    Raises CourseLocked while the lesson's course is not open to the user."""
    check_open(user, lesson.course)
    row = _progress_row(user, lesson)
    row.last_opened_at = clock.now()
    if row.completed_at is None:
        row.completed_at = clock.now()
    db.session.flush()
    return refresh_completion(user.id, lesson.course_id)


def refresh_completion(user_id: int, course_id: str) -> bool:
    """Record the course as complete once all active lessons are done and all quizzes passed.

    Called after a lesson is marked done and after a quiz is passed (or overridden to pass).
    Returns True when the course became complete just now.
    """
    if db.session.scalar(
        select(CourseCompletion.id).where(
            CourseCompletion.user_id == user_id, CourseCompletion.course_id == course_id
        )
    ):
        return False
    course = db.session.get(Course, course_id)
    done, total = db.session.execute(_statement("lessons of a course"),
                                     {"user_id": user_id, "course_id": course_id}).one()  # fmt: skip
    if not (total > 0 and done >= total):
        return False
    if not set(course.quiz_ids) <= quizzes.passed_quiz_ids([user_id])[user_id]:
        return False
    db.session.add(CourseCompletion(user_id=user_id, course_id=course_id, completed_at=clock.now()))
    db.session.flush()
    events.course_completed.send(course_id, user_id=user_id)
    return True


def next_lesson(user: User, states: list[Progress] | None = None, due_dates=None) -> Lesson | None:
    """What to open next: the lesson last read if unfinished, else the first unfinished lesson
    of the first open course (courses with a due date first, soonest first, then tier order).

    Pass the catalogue states when the caller has them already, and the due dates of the
    user's open assignments (course id -> date or None) so that assigned courses come first."""
    rows = db.session.execute(_statement("reading"), {"user_id": user.id}).all()
    done = {row.lesson_id for row in rows if row.completed_at is not None}
    last = max(rows, key=lambda row: row.last_opened_at, default=None)
    if last is not None and last.completed_at is None:
        return db.session.get(Lesson, last.lesson_id)
    states = states if states is not None else catalogue(user)
    for state in _in_reading_order(states, due_dates or {}):
        if state.status in ("open", "in_progress"):
            lesson = next((x for x in active_lessons(state.course) if x.id not in done), None)
            if lesson is not None:
                return lesson
    return None


def _in_reading_order(states: list[Progress], due: dict) -> list[Progress]:
    far = clock.today() + timedelta(days=36500)
    return sorted(states, key=lambda s: (s.course.id not in due, due.get(s.course.id) or far))


def lesson_after(course: Course, lesson: Lesson) -> Lesson | None:
    lessons = active_lessons(course)
    index = lessons.index(lesson)
    return lessons[index + 1] if index + 1 < len(lessons) else None


def course_quizzes(course: Course) -> list[Quiz]:
    if not course.quiz_ids:
        return []
    found = {
        q.id: q
        for q in db.session.scalars(select(Quiz).where(Quiz.id.in_(course.quiz_ids), Quiz.active))
    }
    return [found[q] for q in course.quiz_ids if q in found]
