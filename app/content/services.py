"""Checking and loading content: all or nothing, idempotent, versions kept."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from app import events
from app.audit import services as audit
from app.certification.models import Certification
from app.content.catalogue import Catalogue, content_stamp, load_catalogue
from app.content.checks import cross_check
from app.content.models import ContentVersion
from app.courses.markdown import render_lesson
from app.courses.models import Course, LearningPath, Lesson
from app.extensions import db
from app.quizzes.files import LoadedQuiz
from app.quizzes.models import Quiz, QuizVersion
from app.standards.models import StandardsVersion
from app.yaml_source import Problem


class ContentError(Exception):
    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} problem(s) in the content")
        self.problems = problems


@dataclass
class SyncReport:
    changed: bool = False
    digest: str = ""
    counts: dict[str, int] = field(default_factory=dict)
    new_standards_version: str | None = None

    def bump(self, key: str) -> None:
        self.counts[key] = self.counts.get(key, 0) + 1


def rubric_criterion_ids(catalogue: Catalogue) -> set[str]:
    ids: set[str] = set()
    if not catalogue.rubrics:
        return ids
    from app.scoring import Rubric

    for data in catalogue.rubrics.values():
        ids.update(criterion.id for criterion in Rubric.from_mapping(data).criteria)
    return ids


def check_content(root: Path) -> tuple[Catalogue, list[Problem]]:
    """Every problem in the content below root, sorted by file and line."""
    catalogue, problems = load_catalogue(root)
    problems += cross_check(catalogue, rubric_criterion_ids(catalogue))
    return catalogue, sorted(problems, key=lambda p: (p.path, p.line, p.field))


_CHECKED: dict = {}  # content folder -> (files stamp, catalogue, problems)


def check_content_kept(root: Path) -> tuple[Catalogue, list[Problem]]:
    """check_content, reused while no content file is added, removed or changed (by path,
    modification time and size): the admin's content page reads nothing again on a repeat
    view. Sync always reads afresh."""
    root = Path(root)
    stamp = content_stamp(root)
    kept = _CHECKED.get(root)
    if kept is None or kept[0] != stamp:
        kept = _CHECKED[root] = (stamp, *check_content(root))
    return kept[1], list(kept[2])


def sync_content(root: Path, *, actor=None) -> SyncReport:
    """Load all content in the caller's transaction; raises ContentError and writes nothing
    when any file has a problem. The caller commits."""
    catalogue, problems = check_content(root)
    if problems:
        raise ContentError(problems)
    report = SyncReport(digest=catalogue.digest)
    latest = db.session.scalar(select(ContentVersion).order_by(ContentVersion.id.desc()).limit(1))
    if latest is not None and latest.digest == catalogue.digest:
        return report
    report.changed = True
    _sync_courses(catalogue, report)
    _sync_paths(catalogue, report)
    _sync_quizzes(catalogue, report)
    _sync_standards(catalogue, report)
    _sync_certifications(catalogue, report)
    events.content_synced.send(catalogue, report=report)
    _record_version(catalogue, report, actor)
    return report


def _record_version(catalogue: Catalogue, report: SyncReport, actor) -> None:
    version = db.session.scalar(
        select(ContentVersion).where(ContentVersion.digest == catalogue.digest)
    )
    if version is None:  # content went back to an earlier state: reuse that row
        version = ContentVersion(digest=catalogue.digest)
        db.session.add(version)
    version.summary = dict(report.counts)
    version.synced_by_id = getattr(actor, "id", None)
    db.session.flush()
    audit.record("content_synced", "content_version", version.id, actor=actor, after=report.counts)


def _sync_courses(catalogue: Catalogue, report: SyncReport) -> None:
    existing = {c.id: c for c in db.session.scalars(select(Course))}
    for position, (course_id, loaded) in enumerate(sorted(catalogue.courses.items())):
        spec = loaded.course
        course = existing.pop(course_id, None)
        if course is None:
            course = Course(id=course_id)
            db.session.add(course)
            report.bump("courses_added")
        course.tier, course.position, course.active = spec.tier, position, True
        course.title, course.summary = spec.title.model_dump(), spec.summary.model_dump()
        course.requires, course.quiz_ids = list(spec.requires), list(spec.quizzes)
        course.standard_ids = list(spec.standards)
        db.session.flush()
        _sync_lessons(course, loaded, report)
    for course in existing.values():
        if course.active:
            course.active = False
            report.bump("courses_retired")


def _sync_lessons(course: Course, loaded, report: SyncReport) -> None:
    existing = {lesson.slug: lesson for lesson in course.lessons}
    media = f"/courses/{course.id}/media"
    for position, entry in enumerate(loaded.course.lessons, start=1):
        lesson = existing.pop(entry.id, None)
        if lesson is None:
            lesson = Lesson(course_id=course.id, slug=entry.id)
            db.session.add(lesson)
            report.bump("lessons_added")
        body = loaded.lesson_bodies[entry.id]
        lesson.position, lesson.minutes, lesson.active = position, entry.minutes, True
        lesson.title = entry.title.model_dump()
        lesson.body = dict(body)
        lesson.html = {lang: render_lesson(text, media) for lang, text in body.items()}
    for lesson in existing.values():
        if lesson.active:  # kept for its history; no longer counts toward completion
            lesson.active = False
            report.bump("lessons_retired")


def _sync_paths(catalogue: Catalogue, report: SyncReport) -> None:
    existing = {p.id: p for p in db.session.scalars(select(LearningPath))}
    for spec in catalogue.paths.paths if catalogue.paths else []:
        path = existing.pop(spec.id, None) or LearningPath(id=spec.id)
        db.session.add(path)
        path.title = spec.title.model_dump()
        path.steps = [step.model_dump() for step in spec.courses]
        path.active = True
    for path in existing.values():
        path.active = False


def quiz_definition(loaded: LoadedQuiz, rubrics: dict) -> dict:
    """Everything needed to grade an attempt later, whatever the files say by then."""
    used = {getattr(q, "rubric", None) for q in loaded.questions} - {None}
    return {
        "quiz": loaded.quiz.model_dump(mode="json", exclude={"questions"}),
        "questions": [q.model_dump(mode="json") for q in loaded.questions],
        "rubrics": {rubric_id: rubrics[rubric_id] for rubric_id in sorted(used)},
    }


def definition_digest(definition: dict) -> str:
    canonical = json.dumps(definition, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _sync_quizzes(catalogue: Catalogue, report: SyncReport) -> None:
    existing = {q.id: q for q in db.session.scalars(select(Quiz))}
    for quiz_id, loaded in sorted(catalogue.quizzes.items()):
        definition = quiz_definition(loaded, catalogue.rubrics)
        digest = definition_digest(definition)
        quiz = existing.pop(quiz_id, None)
        if quiz is None:
            quiz = Quiz(id=quiz_id)
            db.session.add(quiz)
        quiz.course_id, quiz.active = loaded.quiz.course, True
        quiz.title = loaded.quiz.title.model_dump()
        db.session.flush()
        quiz.current_version_id = _quiz_version_id(quiz_id, digest, definition, report)
    for quiz in existing.values():
        quiz.active = False


def _quiz_version_id(quiz_id: str, digest: str, definition: dict, report: SyncReport) -> int:
    version = db.session.scalar(
        select(QuizVersion).where(QuizVersion.quiz_id == quiz_id, QuizVersion.digest == digest)
    )
    if version is None:
        version = QuizVersion(quiz_id=quiz_id, digest=digest, definition=definition)
        db.session.add(version)
        db.session.flush()
        report.bump("quiz_versions_added")
    return version.id


def _sync_standards(catalogue: Catalogue, report: SyncReport) -> None:
    spec = catalogue.standards
    if spec is None:
        return
    definition = spec.model_dump(mode="json")
    row = db.session.scalar(
        select(StandardsVersion).where(StandardsVersion.version == spec.version)
    )
    if row is None:
        db.session.add(
            StandardsVersion(version=spec.version, published=spec.published, definition=definition)
        )
        report.new_standards_version = spec.version
        report.bump("standards_versions_added")
    elif row.definition != definition:
        row.definition, row.published = definition, spec.published
        report.bump("standards_versions_edited")


def _sync_certifications(catalogue: Catalogue, report: SyncReport) -> None:
    """Certificates refer to certifications, so a certification left out is only retired."""
    existing = {c.id: c for c in db.session.scalars(select(Certification))}
    spec = catalogue.certifications
    for position, entry in enumerate(spec.certifications if spec else []):
        row = existing.pop(entry.id, None)
        if row is None:
            row = Certification(id=entry.id)
            db.session.add(row)
            report.bump("certifications_added")
        row.position, row.active = position, True
        row.title, row.summary = entry.title.model_dump(), entry.summary.model_dump()
        row.requirements = entry.requires.model_dump()
        row.valid_for_days, row.renew_window_days = entry.valid_for_days, entry.renew_window_days
        row.refresher_courses = list(entry.refresher_courses)
        row.reminder_days = list(entry.reminder_days)
        row.accept_recognised = entry.accept_recognised
    for row in existing.values():
        if row.active:
            row.active = False
            report.bump("certifications_retired")
