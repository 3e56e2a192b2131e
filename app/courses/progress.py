"""Agents' standing in courses: what progress pages read of their learning (in a number of
statements that does not grow with the agents or the courses) and the standing it gives.
Other capabilities use these from app.courses.services."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from typing import NamedTuple

from sqlalchemy import (
    Float,
    Integer,
    String,
    bindparam,
    cast,
    func,
    literal_column,
    null,
    select,
    union,
    union_all,
)

from app.courses.models import (
    Course,
    CourseCompletion,
    CourseRecognition,
    Lesson,
    LessonProgress,
)
from app.database import read_rows, users_filter, users_parameters
from app.extensions import db
from app.page_cache.pages import shared_value
from app.quizzes import services as quizzes


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
    recognition: Recognised | None = None  # exempt by a placement test

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


class Reading(NamedTuple):
    """One active lesson an agent has opened."""

    lesson_id: int
    course_id: str
    completed_at: datetime | None
    last_opened_at: datetime


class Recognised(NamedTuple):
    """A course recognised by a placement section, as pages show it."""

    course_id: str
    recognised_at: datetime
    score: float  # the section's score, percent
    section: str


@dataclass
class LearningRecord:
    """What progress pages read of some agents' learning. `reading` (each active lesson an
    agent opened) is read for one agent's own pages only; the rest for any number."""

    user_ids: list[int]
    lessons_done: dict[tuple[int, str], int]  # (user, course) -> active lessons done
    quizzes: dict[tuple[int, str], quizzes.QuizRecord]  # (user, quiz) -> attempts, best, passed
    completions: dict[int, dict[str, datetime]]  # user -> course id -> when completed
    recognitions: dict[tuple[int, str], Recognised]  # (user, course) -> recognition
    reading: list[Reading] | None = None
    # per user: completed and recognised course ids, passed quiz ids
    completed: dict[int, set[str]] = field(init=False)
    recognised: dict[int, set[str]] = field(init=False)
    passed: dict[int, set[str]] = field(init=False)

    def __post_init__(self):
        self.completed = {u: set(self.completions.get(u, ())) for u in self.user_ids}
        self.recognised = {u: set() for u in self.user_ids}
        for user_id, course_id in self.recognitions:
            self.recognised[user_id].add(course_id)
        self.passed = {u: set() for u in self.user_ids}
        for (user_id, quiz_id), record in self.quizzes.items():
            if record.passed:
                self.passed[user_id].add(quiz_id)

    def attempts(self, user_id: int, quiz_id: str) -> int:
        record = self.quizzes.get((user_id, quiz_id))
        return record.attempts if record else 0


# Statements that every page about progress runs are built once (building one costs more than
# running it); the values go in as parameters.
@cache
def _statement(name: str):
    user_ids = bindparam("user_ids", expanding=True)
    if name == "active lesson counts":
        return (
            select(Lesson.course_id, func.count(Lesson.id))
            .where(Lesson.active)
            .group_by(Lesson.course_id)
        )
    if name == "completions":
        return select(
            CourseCompletion.user_id, CourseCompletion.course_id, CourseCompletion.completed_at
        ).where(CourseCompletion.user_id.in_(user_ids))
    if name == "completed or recognised":
        user_id = bindparam("user_id")
        return union(
            select(CourseCompletion.course_id).where(CourseCompletion.user_id == user_id),
            select(CourseRecognition.course_id).where(CourseRecognition.user_id == user_id),
        )
    raise KeyError(name)


# The kinds of row the learning record's one statement returns, in these columns:
#   kind, user id, ref (a course or quiz id), lesson id, at, last at, count, score, section,
#   passed (1 or 0); a row fills the columns its kind has, the others are NULL.
OPENED, DONE_IN_COURSE, COMPLETED, RECOGNISED, QUIZ = 1, 2, 3, 4, 5


@cache
def _record_statement(reading: bool, one: bool):
    """The learning record of the users (database.users_filter), in one statement: (reading)
    each active lesson opened, with when it was done and last opened, or the active lessons
    done per course; completed courses; recognised courses; attempts per quiz."""

    def of_users(column):
        return users_filter(column, one)

    def nothing(kind):
        return cast(null(), kind)

    when = LessonProgress.completed_at.type
    if reading:
        lessons = (
            select(literal_column(str(OPENED)), LessonProgress.user_id, Lesson.course_id,
                   LessonProgress.lesson_id, LessonProgress.completed_at,
                   LessonProgress.last_opened_at, nothing(Integer), nothing(Float),
                   nothing(String), nothing(Integer))
            .join(Lesson, Lesson.id == LessonProgress.lesson_id)
            .where(of_users(LessonProgress.user_id), Lesson.active)
        )  # fmt: skip
    else:
        lessons = (
            select(literal_column(str(DONE_IN_COURSE)), LessonProgress.user_id, Lesson.course_id,
                   nothing(Integer), nothing(when), nothing(when), func.count(LessonProgress.id),
                   nothing(Float), nothing(String), nothing(Integer))
            .join(Lesson, Lesson.id == LessonProgress.lesson_id)
            .where(of_users(LessonProgress.user_id), LessonProgress.completed_at.is_not(None))
            .where(Lesson.active)
            .group_by(LessonProgress.user_id, Lesson.course_id)
        )  # fmt: skip
    tried = quizzes.quiz_records_query(one).subquery()
    return union_all(
        lessons,
        select(literal_column(str(COMPLETED)), CourseCompletion.user_id,
               CourseCompletion.course_id, nothing(Integer), CourseCompletion.completed_at,
               nothing(when), nothing(Integer), nothing(Float), nothing(String), nothing(Integer))
        .where(of_users(CourseCompletion.user_id)),
        select(literal_column(str(RECOGNISED)), CourseRecognition.user_id,
               CourseRecognition.course_id, nothing(Integer), CourseRecognition.recognised_at,
               nothing(when), nothing(Integer), CourseRecognition.score,
               CourseRecognition.section, nothing(Integer))
        .where(of_users(CourseRecognition.user_id)),
        select(literal_column(str(QUIZ)), *tried.c[:2], nothing(Integer), nothing(when),
               nothing(when), *tried.c[2:4], nothing(String), tried.c[4]),
    )  # fmt: skip


def learning_record(user_ids: list[int], *, reading: bool = False) -> LearningRecord:
    """Lessons done, quiz attempts, completed and recognised courses of these agents, in one
    statement; with `reading` (one agent) each active lesson they opened too, from which the
    lessons done are counted."""
    opened = [] if reading else None
    done: dict[tuple[int, str], int] = defaultdict(int)
    completions: dict[int, dict[str, datetime]] = defaultdict(dict)
    recognitions, tried = {}, {}
    statement = _record_statement(reading, len(user_ids) == 1)
    rows = read_rows(db.session, statement, users_parameters(user_ids))
    for kind, user_id, ref, lesson_id, at, last_at, count, score, section, passed in rows:
        if kind == OPENED:
            opened.append(Reading(lesson_id, ref, at, last_at))
            if at is not None:
                done[(user_id, ref)] += 1
        elif kind == DONE_IN_COURSE:
            done[(user_id, ref)] = count
        elif kind == COMPLETED:
            completions[user_id][ref] = at
        elif kind == RECOGNISED:
            recognitions[(user_id, ref)] = Recognised(ref, at, score, section)
        else:
            tried[(user_id, ref)] = quizzes.QuizRecord(count, score, bool(passed))
    return LearningRecord(list(user_ids), dict(done), tried, dict(completions), recognitions,
                          opened)  # fmt: skip


def progress_for(user_ids: list[int], courses: list[Course],
                 record: LearningRecord | None = None) -> dict[tuple[int, str], Progress]:  # fmt: skip
    """Progress of many agents in many courses with a fixed number of queries (none more when
    the caller has read their `record` already)."""
    record = record if record is not None else learning_record(user_ids)
    lesson_totals = _active_lesson_counts()
    by_id = {c.id: c for c in courses}
    table = {}
    for user_id in user_ids:
        completed, passed = record.completed[user_id], record.passed[user_id]
        counted = completed | record.recognised[user_id]  # for prerequisites
        for course in courses:
            active_quizzes = set(course.quiz_ids)
            tried = [record.quizzes[(user_id, q)] for q in course.quiz_ids
                     if (user_id, q) in record.quizzes]  # fmt: skip
            table[(user_id, course.id)] = Progress(
                course=course,
                lessons_done=record.lessons_done.get((user_id, course.id), 0),
                lessons_total=lesson_totals.get(course.id, 0),
                quizzes_passed=len(active_quizzes & passed),
                quizzes_total=len(active_quizzes),
                completed=course.id in completed,
                missing=[by_id[r] for r in course.requires if r in by_id and r not in counted],
                attempts=sum(t.attempts for t in tried),
                best_score=max((t.best for t in tried), default=None),
                recognition=record.recognitions.get((user_id, course.id)),
            )
    return table


def _active_lesson_counts() -> dict[str, int]:
    return shared_value(
        "active lesson counts",
        lambda: dict(db.session.execute(_statement("active lesson counts")).all()),
    )


def completed_course_ids(user_ids: list[int]) -> dict[int, set[str]]:
    result: dict[int, set[str]] = {user_id: set() for user_id in user_ids}
    rows = read_rows(db.session, _statement("completions"), {"user_ids": list(user_ids)})
    for user_id, course_id, _at in rows:
        result[user_id].add(course_id)
    return result


def done_course_ids(user_id: int) -> set[str]:
    """Completed or recognised: what counts for prerequisites and the onboarding path."""
    rows = read_rows(db.session, _statement("completed or recognised"), {"user_id": user_id})
    return set(rows.scalars())
