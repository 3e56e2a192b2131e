"""The placement test: when it is offered, how its sections are scored, and the courses each
passed section recognises.

A placement quiz is an ordinary quiz file flagged `placement: true`, with no course and with
sections (documented at the end of quizzes/EXAMPLE.yaml). It is offered to an agent during the first
`offer_days` days after their hire date; the attempt is recorded by the quiz capability, and
this module reacts to it in the same transaction.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import date, timedelta

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, select

from app import clock
from app.courses import recognition as recognitions
from app.courses.models import Course, CourseRecognition
from app.extensions import db
from app.models_base import localized
from app.page_cache.pages import shared_value
from app.people.models import Role, User
from app.quizzes.errors import QuizRefused
from app.quizzes.models import Attempt, Quiz, QuizVersion
from app.quizzes.versions import view_version

DEFAULT_OFFER_DAYS = 14


@dataclass
class SectionResult:
    id: str
    tier: int
    title: dict | None
    score: float  # percent of the section's points, one decimal
    pass_mark: int
    passed: bool
    recognised: list[CourseRecognition] = field(default_factory=list)


def placement_header(quiz: Quiz, version: QuizVersion | None = None) -> dict | None:
    """The quiz file's header when the quiz (in `version`, else its current one) is a placement
    quiz; read from the version as this process parsed it, not from the stored definition."""
    if quiz.course_id is not None:
        return None
    version = version or quiz.current_version
    if version is None:
        return None
    header = view_version(version).header
    return header if header.get("placement") else None


def offer_ends(user: User, header: dict) -> date:
    """The first day on which the test is no longer offered."""
    return user.hire_date + timedelta(days=header.get("offer_days") or DEFAULT_OFFER_DAYS)


@dataclass(frozen=True)
class PlacementOffer:
    """The placement quiz an agent's home offers: its id and title."""

    id: str
    title: dict | str | None

    def title_in(self, locale: str) -> str:
        return localized(self.title, locale)


def offered_placement(user: User, record=None) -> PlacementOffer | None:
    """The placement quiz to show on an agent's home: within the offer window after their
    hire date, while the quiz's attempts policy leaves them an attempt. `record`: the
    agent's learning record (app.courses) when the caller has read it, for the attempts."""
    if user.role != Role.AGENT or not user.active:
        return None
    for quiz_id, header, title in shared_value("placement quizzes", _placement_quizzes):
        if clock.today() >= offer_ends(user, header):
            continue
        allowed = int((header.get("attempts") or {}).get("max", 0))
        used = record.attempts(user.id, quiz_id) if record else _attempts_used(user, quiz_id)
        if not allowed or used < allowed:
            return PlacementOffer(quiz_id, title)
    return None


def _placement_quizzes() -> list[tuple[str, dict, dict | str | None]]:
    """(id, header, title) of each active placement quiz, by id: plain data, kept per process
    under the shared change counter (app/page_cache) since every agent's home asks."""
    candidates = db.session.scalars(
        select(Quiz).where(Quiz.course_id.is_(None), Quiz.active).order_by(Quiz.id)
    )
    found = []
    for quiz in candidates:
        header = placement_header(quiz)
        if header is not None:
            found.append((quiz.id, {"offer_days": header.get("offer_days"),
                                    "attempts": dict(header.get("attempts") or {})},
                          copy.deepcopy(quiz.title)))  # fmt: skip
    return found


def _attempts_used(user: User, quiz_id: str) -> int:
    query = select(func.count(Attempt.id)).where(
        Attempt.user_id == user.id, Attempt.quiz_id == quiz_id
    )
    return db.session.scalar(query)


def check_offered(user: User, quiz: Quiz) -> None:
    """Raise QuizRefused (403) unless the placement quiz is offered to this person now."""
    header = placement_header(quiz)
    if header is None:
        raise QuizRefused(_("This quiz belongs to no course and cannot be taken."), 403)
    if user.role != Role.AGENT:
        raise QuizRefused(_("The placement test is for agents in their first days."), 403)
    ends = offer_ends(user, header)
    if clock.today() >= ends:
        days = (ends - user.hire_date).days
        message = ngettext(
            "The placement test is offered during the first %(num)s day after the hire date; "
            "that time has passed. Your onboarding path starts with the first course.",
            "The placement test is offered during the first %(num)s days after the hire date; "
            "that time has passed. Your onboarding path starts with the first course.",
            days,
        )
        raise QuizRefused(message, 403)


# --- scoring the sections -----------------------------------------------------------------------


def section_results(attempt: Attempt) -> list[SectionResult]:
    """Each section's score and outcome in a placement attempt (empty for other attempts),
    with the courses it recognised."""
    header = placement_header(attempt.quiz, attempt.quiz_version)
    if header is None:
        return []
    answers = {answer.question_id: answer for answer in attempt.answers}
    recognised = db.session.scalars(
        select(CourseRecognition).where(CourseRecognition.attempt_id == attempt.id)
    ).all()
    results = []
    for section in header.get("sections") or []:
        parts = [answers[q] for q in section["questions"] if q in answers]
        points = sum(a.points for a in parts)
        maximum = sum(a.max_points for a in parts)
        score = round(100 * points / maximum, 1) if maximum else 0.0
        critical = any((a.detail or {}).get("critical_failure") for a in parts)
        pass_mark = section.get("pass_mark")
        pass_mark = header["pass_mark"] if pass_mark is None else pass_mark
        results.append(SectionResult(
            id=section["id"], tier=section["tier"], title=section.get("title"), score=score,
            pass_mark=pass_mark, passed=score >= pass_mark and not critical,
            recognised=[r for r in recognised if r.section == section["id"]],
        ))  # fmt: skip
    return results


def record_placement(attempt: Attempt) -> list[CourseRecognition]:
    """Recognise the active courses of each tier whose section the attempt passed. Runs inside
    the transaction that records the attempt (a receiver of the attempt_submitted event)."""
    made = []
    for section in section_results(attempt):
        if not section.passed:
            continue
        tier_courses = db.session.scalars(
            select(Course.id).where(Course.active, Course.tier == section.tier).order_by(Course.id)
        ).all()
        for course_id in tier_courses:
            recognition = recognitions.recognise_course(
                attempt.user_id, course_id, attempt_id=attempt.id, section=section.id,
                score=section.score,
            )  # fmt: skip
            if recognition is not None:
                made.append(recognition)
    return made
