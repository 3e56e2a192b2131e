from pathlib import Path

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    send_from_directory,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import undefer

from app.access import signed_in
from app.courses import services, shelf
from app.courses.models import Course, Lesson
from app.database import writing
from app.extensions import db
from app.i18n import current_language
from app.models_base import localized
from app.page_cache.pages import USER, conditional_page, done_recently, note_done
from app.people.forms import ConfirmForm

bp = Blueprint("courses", __name__)


def _course_or_404(course_id: str) -> Course:
    course = db.session.get(Course, course_id)
    if course is None or not course.active:
        abort(404)
    return course


@bp.app_errorhandler(services.CourseLocked)
def _locked_page(exc: services.CourseLocked):
    """The answer of any page whose service found the course not open to the reader yet."""
    return render_template("courses/locked.html", course=exc.course, missing=exc.missing), 403


def _shelved_course_or_404(course_id: str) -> Course:
    """The active course from the shelf (detached, app.courses.shelf), for pages that read it."""
    course = shelf.active_course(course_id)
    if course is None:
        abort(404)
    return course


def _open_lesson(course_id: str, slug: str):
    """(course, lesson, None) when the reader may open it, else (None, None, the 403 page).
    Both come from the shelf (detached; the lesson without its text)."""
    course = _shelved_course_or_404(course_id)
    try:
        services.check_open(current_user, course)
    except services.CourseLocked as exc:
        return None, None, _locked_page(exc)
    lesson = next((x for x in shelf.active_lessons(course.id) if x.slug == slug), None)
    if lesson is None:
        abort(404)
    return course, lesson, None


@bp.route("/courses")
@signed_in
@conditional_page(USER)
def catalogue():
    states = services.catalogue(current_user)
    tiers: dict[int, list] = {}
    for state in states:
        tiers.setdefault(state.course.tier, []).append(state)
    return render_template("courses/catalogue.html", tiers=sorted(tiers.items()))


@bp.route("/courses/<course_id>")
@signed_in
@conditional_page(USER)
def course(course_id: str):
    course = _shelved_course_or_404(course_id)
    try:
        services.check_open(current_user, course)
    except services.CourseLocked as exc:
        return _locked_page(exc)
    progress = services.progress_for([current_user.id], [course])[(current_user.id, course.id)]
    return render_template(
        "courses/course.html", course=course, progress=progress,
        lessons=services.active_lessons(course), states=services.lesson_states(current_user, course),
        quizzes=services.course_quizzes(course),
    )  # fmt: skip


def _lesson_or_404(course: Course, slug: str) -> Lesson:
    lesson = db.session.scalar(
        select(Lesson)
        .options(undefer(Lesson.html))
        .where(Lesson.course_id == course.id, Lesson.slug == slug, Lesson.active)
    )
    if lesson is None:
        abort(404)
    return lesson


@bp.route("/courses/<course_id>/lessons/<slug>")
@signed_in
def lesson(course_id: str, slug: str):
    opened = ("lesson opened", current_user.id, course_id, slug)
    checked = None
    if not done_recently(opened, services.RESUME_PRECISION):
        course, lesson, locked = _open_lesson(course_id, slug)
        if locked:
            return locked
        _record_opened(lesson)
        note_done(opened)
        checked = (course, lesson)
    return _lesson_page(course_id, slug, checked)


def _record_opened(lesson: Lesson) -> None:
    """Remember where the reader stopped. Most views change nothing, so the write lock is only
    taken, in a transaction of its own, when the check finds something to record."""
    if not services.lesson_open_to_record(current_user, lesson):
        return
    db.session.rollback()
    with writing():
        services.record_lesson_opened(current_user, db.session.get(Lesson, lesson.id))
        db.session.commit()


@conditional_page(USER)
def _lesson_page(course_id: str, slug: str, checked: tuple[Course, Lesson] | None = None):
    """The lesson page; `checked` holds the course and lesson when the caller opened them."""
    if checked is None:
        course, lesson, locked = _open_lesson(course_id, slug)
        if locked:
            return locked
    else:
        course, lesson = checked
    lessons = shelf.active_lessons(course.id)
    index = [x.id for x in lessons].index(lesson.id)
    html, done = services.lesson_text_and_done(current_user, lesson)
    return render_template(
        "courses/lesson.html", course=course, lesson=lesson, form=ConfirmForm(),
        previous=lessons[index - 1] if index else None,
        following=lessons[index + 1] if index + 1 < len(lessons) else None,
        position=index + 1, count=len(lessons), done=done,
        lesson_html=localized(html, current_language()),
    )  # fmt: skip


@bp.route("/courses/<course_id>/lessons/<slug>/done", methods=["POST"])
@signed_in
def mark_done(course_id: str, slug: str):
    course = _course_or_404(course_id)
    lesson = _lesson_or_404(course, slug)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    finished = services.mark_lesson_done(current_user, lesson)
    # Everything the answer needs is read before the commit: afterwards it would be read
    # again in a second transaction (on SQLite a second wait for the write lock).
    following = services.lesson_after(course, lesson)
    message = _("Course complete: %(title)s", title=course.title_in(current_user.locale))
    target = (url_for("courses.lesson", course_id=course.id, slug=following.slug)
              if following is not None else url_for("courses.course", course_id=course.id))  # fmt: skip
    db.session.commit()
    if finished:
        flash(message, "success")
    return redirect(target)


@bp.route("/courses/<course_id>/media/<path:filename>")
@signed_in
def media(course_id: str, filename: str):
    course = _course_or_404(course_id)
    folder = Path(current_app.config["CONTENT_DIR"]) / "courses" / course.id / "images"
    return send_from_directory(folder, filename, max_age=3600)
