from sqlalchemy import func, select

from app.content.models import ContentVersion
from app.content.services import ContentError, sync_content
from app.courses.models import Course, Lesson
from app.extensions import db
from app.quizzes.models import Quiz, QuizVersion
from tests.content_tree import QUIZ, add_course, write
from tests.html_checks import active_content


def _sync(root):
    report = sync_content(root)
    db.session.commit()
    return report


def test_sync_loads_everything_and_second_run_changes_nothing(app, content_root):
    first = _sync(content_root)
    assert first.changed
    assert db.session.scalar(select(func.count(Course.id))) == 2
    assert db.session.scalar(select(func.count(Lesson.id))) == 4
    lesson = db.session.scalar(
        select(Lesson).where(Lesson.slug == "first", Lesson.course_id == "basics")
    )
    assert lesson.html["ar"].startswith("<h2>first (ar)</h2>")
    second = _sync(content_root)
    assert not second.changed
    assert db.session.scalar(select(func.count(ContentVersion.id))) == 1


def test_a_bad_file_means_nothing_is_loaded(app, content_root):
    _sync(content_root)
    add_course(content_root, "talking", tier=2, requires="[basics]")
    write(content_root, "courses/talking/course.yaml", "id: talking\ntier: 9\n")
    try:
        sync_content(content_root)
    except ContentError as exc:
        db.session.rollback()
        assert any(p.path == "courses/talking/course.yaml" for p in exc.problems)
    else:
        raise AssertionError("sync accepted a broken file")
    assert db.session.scalar(select(func.count(ContentVersion.id))) == 1


def test_quiz_versions_are_kept_when_a_quiz_changes(app, content_root):
    _sync(content_root)
    quiz = db.session.get(Quiz, "basics-quiz")
    old_version = quiz.current_version_id
    write(content_root, "quizzes/basics-quiz.yaml",
          QUIZ.format(id="basics-quiz", course="basics").replace("answer: true", "answer: false"))  # fmt: skip
    _sync(content_root)
    db.session.refresh(quiz)
    assert quiz.current_version_id != old_version
    old = db.session.get(QuizVersion, old_version)
    assert old.definition["questions"][0]["answer"] is True


def test_removed_lesson_and_course_are_retired_not_deleted(app, content_root):
    _sync(content_root)
    text = (content_root / "courses/basics/course.yaml").read_text()
    text = text.replace('  - id: second\n    title: {ar: "الثاني", en: "Second"}\n', "")
    (content_root / "courses/basics/course.yaml").write_text(text)
    for lang in ("ar", "en"):
        (content_root / f"courses/basics/lessons/02-second.{lang}.md").unlink()
    report = _sync(content_root)
    assert report.counts.get("lessons_retired") == 1
    retired = db.session.scalar(
        select(Lesson).where(Lesson.slug == "second", Lesson.course_id == "basics")
    )
    assert retired is not None and not retired.active


def test_lesson_markdown_cannot_inject_script(app, content_root):
    write(content_root, "courses/basics/lessons/01-first.en.md",
          '## Hi\n\n<script>alert(1)</script>\n\n<img src=x onerror="alert(2)">\n\n[x](javascript:alert(3))\n')  # fmt: skip
    _sync(content_root)
    html = db.session.scalar(
        select(Lesson).where(Lesson.slug == "first", Lesson.course_id == "basics")
    ).html["en"]
    assert active_content(html) == []
    assert "&lt;script&gt;" in html  # shown as text, not run


def test_cli_sync_reports_no_changes_the_second_time(app, runner, content_root, monkeypatch):
    monkeypatch.setitem(app.config, "CONTENT_DIR", content_root)
    first = runner.invoke(args=["content", "sync"])
    second = runner.invoke(args=["content", "sync"])
    assert first.exit_code == 0 and "content synced" in first.output
    assert second.exit_code == 0 and "no changes" in second.output
