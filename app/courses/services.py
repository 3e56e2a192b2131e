"""Course progress: what is open, what is done, what comes next, and onboarding enrolment."""

from __future__ import annotations

from datetime import timedelta
from functools import cache

from sqlalchemy import and_, bindparam, func, select

from app import clock, events
from app.courses import shelf
from app.courses.models import (
    Course,
    CourseCompletion,
    Lesson,
    LessonProgress,
)
from app.courses.progress import (  # noqa: F401  (other capabilities use them from here)
    LearningRecord,
    Progress,
    Reading,
    completed_course_ids,
    done_course_ids,
    learning_record,
    progress_for,
)
from app.courses.recognition import (  # noqa: F401  (other capabilities use them from here)
    recognise_course,
    recognised_course_ids,
    recognitions_of,
)
from app.database import insert_if_missing, read_rows
from app.extensions import db
from app.people.models import User
from app.quizzes import services as quizzes
from app.quizzes.models import Quiz


class CourseLocked(Exception):
    def __init__(self, course: Course, missing: list[Course]):
        super().__init__(course.id)
        self.course = course
        self.missing = missing


def active_courses() -> list[Course]:
    """The active courses in tier order, in the request's session (pages read them from the
    shelf: shelved_courses)."""
    return list(db.session.scalars(_active_courses_statement()))


@cache
def _active_courses_statement():
    return select(Course).where(Course.active).order_by(Course.tier, Course.position)


def shelved_courses() -> list[Course]:
    """The active courses in tier order as pages read them: kept per process under the shared
    change counter, detached (app.courses.shelf). Writers use active_courses."""
    return shelf.active_courses()


def catalogue(user: User, record: LearningRecord | None = None) -> list[Progress]:
    """Every active course, in tier order, with the user's standing (from their learning
    `record` when the caller has read it)."""
    courses = shelf.active_courses()
    table = progress_for([user.id], courses, record)
    return [table[(user.id, c.id)] for c in courses]


def check_open(user: User, course: Course) -> None:
    """Raise CourseLocked when a prerequisite is neither complete nor recognised."""
    if not course.requires:
        return
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


def lesson_text_and_done(user: User, lesson: Lesson) -> tuple[dict | None, bool]:
    """The lesson's text (language -> sanitised HTML) and whether the user has marked it done,
    in one statement."""
    row = read_rows(db.session, _lesson_page_statement(),
                    {"lesson_id": lesson.id, "user_id": user.id}).one()  # fmt: skip
    return row.html, row.completed_at is not None


@cache
def _lesson_page_statement():
    """Built once: every lesson page runs it."""
    reading = and_(LessonProgress.lesson_id == Lesson.id,
                   LessonProgress.user_id == bindparam("user_id"))  # fmt: skip
    return (
        select(Lesson.html, LessonProgress.completed_at)
        .outerjoin(LessonProgress, reading)
        .where(Lesson.id == bindparam("lesson_id"))
    )


def active_lessons(course: Course) -> list[Lesson]:
    """The course's active lessons in order, from the shelf (detached, app.courses.shelf)."""
    return shelf.active_lessons(course.id)


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


@cache
def _course_lessons_statement():
    """A course's active lessons: how many the user has done, and how many there are."""
    done = and_(LessonProgress.lesson_id == Lesson.id,
                LessonProgress.user_id == bindparam("user_id"),
                LessonProgress.completed_at.is_not(None))  # fmt: skip
    return (
        select(func.count(LessonProgress.id), func.count(Lesson.id))
        .outerjoin(LessonProgress, done)
        .where(Lesson.course_id == bindparam("course_id"), Lesson.active)
    )


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
    done, total = db.session.execute(_course_lessons_statement(),
                                     {"user_id": user_id, "course_id": course_id}).one()  # fmt: skip
    if not (total > 0 and done >= total):
        return False
    if not set(course.quiz_ids) <= quizzes.passed_quiz_ids([user_id])[user_id]:
        return False
    db.session.add(CourseCompletion(user_id=user_id, course_id=course_id, completed_at=clock.now()))
    db.session.flush()
    events.course_completed.send(course_id, user_id=user_id)
    return True


def next_lesson(user: User, states: list[Progress] | None = None, due_dates=None,
                reading: list[Reading] | None = None) -> Lesson | None:  # fmt: skip
    """What to open next: the lesson last read if unfinished, else the first unfinished lesson
    of the first open course (courses with a due date first, soonest first, then tier order).

    Pass the catalogue states when the caller has them already, the due dates of the user's
    open assignments (course id -> date or None) so that assigned courses come first, and the
    lessons the user opened (LearningRecord.reading) when the caller has read them."""
    if reading is None:
        reading = learning_record([user.id], reading=True).reading
    done = {row.lesson_id for row in reading if row.completed_at is not None}
    last = max(reading, key=lambda row: row.last_opened_at, default=None)
    if last is not None and last.completed_at is None:
        return shelf.active_lesson(last.lesson_id)
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
    index = [x.id for x in lessons].index(lesson.id)
    return lessons[index + 1] if index + 1 < len(lessons) else None


def course_quizzes(course: Course) -> list[Quiz]:
    if not course.quiz_ids:
        return []
    found = {
        q.id: q
        for q in db.session.scalars(select(Quiz).where(Quiz.id.in_(course.quiz_ids), Quiz.active))
    }
    return [found[q] for q in course.quiz_ids if q in found]
