from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from app import clock
from app.assignments.models import Assignment
from app.content.services import sync_content
from app.courses import services
from app.courses.models import CourseCompletion, Lesson, LessonProgress
from app.courses.services import CourseLocked
from app.extensions import db
from app.people.models import Team, User
from app.quizzes.models import Attempt, Quiz
from tests.content_tree import write
from tests.html_checks import active_content
from tests.query_counter import count_queries


@pytest.fixture
def synced(app, content_root):
    """The small content tree loaded: basics (tier 1, with a quiz) -> talking (tier 2)."""
    sync_content(content_root)
    db.session.commit()
    return content_root


def _lesson(course_id: str, slug: str) -> Lesson:
    return db.session.scalar(
        select(Lesson).where(Lesson.course_id == course_id, Lesson.slug == slug)
    )


def _pass_quiz(user, quiz_id="basics-quiz"):
    """An attempt that passed, as the quiz flow stores it."""
    quiz = db.session.get(Quiz, quiz_id)
    now = datetime.now(UTC)
    db.session.add(Attempt(
        user_id=user.id, quiz_id=quiz_id, quiz_version_id=quiz.current_version_id,
        idempotency_key=f"k-{user.id}-{quiz_id}", started_at=now, submitted_at=now, locale="en",
        auto_score=100, auto_passed=True, pass_mark=70,
    ))  # fmt: skip
    db.session.commit()


def test_locked_course_is_explained_in_the_catalogue_and_refused_by_url(synced, client, login_as):
    login_as("agent")
    html = client.get("/courses").get_data(as_text=True)
    assert 'data-course="talking" data-status="locked"' in html
    assert 'data-course="basics" data-status="open"' in html
    for url in ("/courses/talking", "/courses/talking/lessons/first"):
        response = client.get(url)
        assert response.status_code == 403
        page = response.get_data(as_text=True)
        assert 'id="locked-explanation"' in page and "Course basics" in page


def test_marking_a_lesson_of_a_locked_course_done_is_refused_by_the_service(
    synced, client, login_as
):
    agent = login_as("agent")
    lesson = db.session.scalar(select(Lesson).where(Lesson.course_id == "talking"))
    with pytest.raises(CourseLocked):
        services.mark_lesson_done(agent, lesson)
    assert client.post("/courses/talking/lessons/first/done").status_code == 403
    db.session.rollback()
    assert db.session.scalar(select(func.count(LessonProgress.id))) == 0


def test_reading_marking_done_and_resuming(synced, client, login_as):
    agent = login_as("agent")
    page = client.get("/courses/basics/lessons/second")
    assert page.status_code == 200
    home = client.get("/").get_data(as_text=True)
    assert "/courses/basics/lessons/second" in home.split('id="continue-link"')[1][:200]
    done = client.post("/courses/basics/lessons/second/done")
    assert done.status_code == 302
    home = client.get("/").get_data(as_text=True)
    assert "/courses/basics/lessons/first" in home.split('id="continue-link"')[1][:200]
    progress = client.get("/courses/basics").get_data(as_text=True)
    assert "In progress: 33%" in progress  # 1 of 2 lessons + 1 quiz
    assert agent.id


def test_course_completes_on_lessons_and_quiz_and_opens_the_next(synced, client, login_as):
    agent = login_as("agent")
    client.post("/courses/basics/lessons/first/done")
    client.post("/courses/basics/lessons/second/done")
    assert db.session.scalar(select(func.count(CourseCompletion.id))) == 0  # the quiz is missing
    _pass_quiz(agent)
    from app.courses.services import refresh_completion

    assert refresh_completion(agent.id, "basics")
    db.session.commit()
    assert client.get("/courses/talking").status_code == 200


def test_course_without_quizzes_completes_on_its_lessons(synced, client, login_as):
    agent = login_as("agent")
    db.session.add(CourseCompletion(user_id=agent.id, course_id="basics"))
    db.session.commit()
    client.post("/courses/talking/lessons/first/done")
    client.post("/courses/talking/lessons/second/done")
    done = db.session.scalar(
        select(CourseCompletion).where(
            CourseCompletion.user_id == agent.id, CourseCompletion.course_id == "talking"
        )
    )
    assert done is not None


def test_new_agent_is_enrolled_in_onboarding_once(synced, make_user, runner, tmp_dir):
    hired = clock.today() - timedelta(days=2)
    agent = make_user("agent", hire_date=hired)
    rows = db.session.scalars(select(Assignment).where(Assignment.user_id == agent.id)).all()
    assert {(a.course_id, a.due_date) for a in rows} == {
        ("basics", hired + timedelta(days=7)),
        ("talking", hired + timedelta(days=21)),
    }
    csv = tmp_dir / "p.csv"
    csv.write_text(
        "employee_no,email,name_en,role,hire_date\n"
        f"{agent.employee_no},{agent.email},Renamed,agent,{hired.isoformat()}\n"
    )
    assert runner.invoke(args=["people", "import", str(csv)]).exit_code == 0
    sync_content(synced)  # unchanged content: nothing new
    db.session.commit()
    assert (
        db.session.scalar(select(func.count(Assignment.id)).where(Assignment.user_id == agent.id))
        == 2
    )


def test_long_serving_staff_are_not_put_on_onboarding(synced, make_user):
    veteran = make_user("agent", hire_date=clock.today() - timedelta(days=400))
    assert (
        db.session.scalar(select(func.count(Assignment.id)).where(Assignment.user_id == veteran.id))
        == 0
    )


def test_agents_added_before_content_are_enrolled_by_the_first_sync(app, content_root, make_user):
    agent = make_user("agent", hire_date=clock.today())
    assert db.session.scalar(select(func.count(Assignment.id))) == 0
    sync_content(content_root)
    db.session.commit()
    assert (
        db.session.scalar(select(func.count(Assignment.id)).where(Assignment.user_id == agent.id))
        == 2
    )


def test_overdue_work_is_marked_in_words(synced, client, login_as):
    login_as("agent", hire_date=clock.today() - timedelta(days=10))
    html = client.get("/").get_data(as_text=True)
    assert "⚠" in html and "Overdue: was due" in html


def test_resync_of_edited_content_keeps_progress(synced, client, login_as):
    agent = login_as("agent")
    client.post("/courses/basics/lessons/first/done")
    write(synced, "courses/basics/lessons/01-first.en.md", "## first (en)\n\nRewritten text.\n")
    assert sync_content(synced).changed
    db.session.commit()
    lesson = _lesson("basics", "first")
    assert "Rewritten" in lesson.html["en"]
    page = client.get("/courses/basics").get_data(as_text=True)
    assert "In progress: 33%" in page
    assert agent.id


def test_lesson_page_shows_no_active_content(synced, client, login_as):
    write(synced, "courses/basics/lessons/01-first.en.md",
          "## T\n\n<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n")  # fmt: skip
    sync_content(synced)
    db.session.commit()
    login_as("agent")
    html = client.get("/courses/basics/lessons/first").get_data(as_text=True)
    body = html.split('class="lesson-body"')[1].split("</article>")[0]
    assert active_content(body) == []


def test_team_progress_queries_do_not_grow_with_the_team(synced, client, login_as, make_user):
    manager = login_as("manager")
    team = db.session.scalar(select(Team).where(Team.manager_id == manager.id))

    def queries_with(agents: int) -> int:
        while (
            db.session.scalar(select(func.count(User.id)).where(User.team_id == team.id)) < agents
        ):
            make_user("agent", team=team, hire_date=clock.today())
        client.get("/team")  # both counts see the same per-process state (kept lookups)
        with count_queries(db.engine) as counter:
            assert client.get("/team").status_code == 200
        return counter.count

    small, large = queries_with(10), queries_with(200)
    assert small == large, (small, large)
    html = client.get("/team").get_data(as_text=True)
    assert html.count('href="/team/agents/') == 200


def test_manager_sees_only_own_team_agents(synced, client, login_as, make_user, make_team):
    login_as("manager")
    other_team = make_team(code="other")
    stranger = make_user("agent", team=other_team)
    assert client.get(f"/team/agents/{stranger.id}").status_code == 404


def _failed_attempt(user, score: float, n: int, quiz_id="basics-quiz"):
    """A submitted attempt that did not pass (a role-play answered, for example)."""
    quiz = db.session.get(Quiz, quiz_id)
    now = datetime.now(UTC)
    db.session.add(Attempt(
        user_id=user.id, quiz_id=quiz_id, quiz_version_id=quiz.current_version_id,
        idempotency_key=f"f-{user.id}-{n}", started_at=now, submitted_at=now, locale="en",
        auto_score=score, auto_passed=False, pass_mark=70,
    ))  # fmt: skip
    db.session.commit()


def _cell(html: str, course_id: str) -> str:
    return html.split(f'data-course="{course_id}" data-status="')[1].split("</td>")[0]


def test_team_progress_shows_attempts_and_best_score_as_the_agent_sees_them(
    synced, client, login_as, make_user, login
):
    manager = login_as("manager")
    team = db.session.scalar(select(Team).where(Team.manager_id == manager.id))
    agent = make_user("agent", team=team)
    _failed_attempt(agent, 40, 1)
    _failed_attempt(agent, 55.4, 2)
    cell = _cell(client.get("/team").get_data(as_text=True), "basics")
    assert cell.startswith('in_progress"') and "Not started" not in cell
    assert "Attempts: 2 · best score 55%" in cell
    client.post("/logout")
    login(agent)
    own = client.get("/courses/basics").get_data(as_text=True)
    assert "In progress: 0%" in own and "Attempts: 2 · best score 55%" in own


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_agent_sees_their_progress_over_time_as_a_chart_with_its_figures(
    synced, client, login, make_user, app, monkeypatch, lang
):
    from datetime import date

    monkeypatch.setitem(app.config, "FIXED_NOW", datetime(2026, 4, 10, 9, tzinfo=UTC))
    agent = make_user("agent", hire_date=date(2026, 2, 3), locale=lang)
    for course_id, day in (("basics", datetime(2026, 2, 20, 8, tzinfo=UTC)),
                           ("talking", datetime(2026, 3, 31, 22, tzinfo=UTC))):  # fmt: skip
        db.session.add(CourseCompletion(user_id=agent.id, course_id=course_id, completed_at=day))
    db.session.commit()
    login(agent)
    html = client.get("/").get_data(as_text=True)
    figure = html.split('id="over-time-chart"')[1].split("</figure>")[0]
    assert 'role="img"' in figure and "<polyline" in figure and figure.count("<circle") == 3
    desc = figure.split('<desc id="over-time-chart-desc">')[1].split("</desc>")[0]
    table = html.split('id="over-time-table"')[1].split("</table>")[0]
    if lang == "en":  # since the month of hire; 22:00 UTC on 31 March is 1 April in Riyadh
        assert desc == "Feb: 1; Mar: 1; Apr: 2"
        assert "Courses completed by the end of each month, out of 2" in figure
        assert '<th scope="row" class="fw-normal">Apr</th><td>2</td>' in table
    xs = [float(p.split(",")[0]) for p in figure.split('points="')[1].split('"')[0].split()]
    assert xs == sorted(xs, reverse=lang == "ar")  # time runs with the reading direction
    client.post("/logout")
    login(make_user("hr"))
    detail = client.get(f"/team/agents/{agent.id}").get_data(as_text=True)
    assert 'id="over-time-chart"' in detail and 'id="over-time-table"' in detail


def test_lessons_a_sync_adds_or_takes_out_show_on_the_lesson_pages_at_once(
    synced, client, login_as
):
    """Courses and their lessons are kept per process; a content sync is seen by the next page."""
    login_as("agent", locale="en")
    first = client.get("/courses/basics/lessons/first").get_data(as_text=True)
    assert "Lesson 1 of 2" in first and 'href="/courses/basics/lessons/second"' in first
    course = synced / "courses/basics/course.yaml"
    third = '  - id: third\n    title: {ar: "الثالث", en: "Third"}\nquizzes:'
    write(synced, "courses/basics/course.yaml", course.read_text().replace("quizzes:", third))
    for lang in ("ar", "en"):
        write(synced, f"courses/basics/lessons/03-third.{lang}.md", f"## third ({lang})\n\nMore.\n")
    assert sync_content(synced).changed
    db.session.commit()
    second = client.get("/courses/basics/lessons/second").get_data(as_text=True)
    assert "Lesson 2 of 3" in second and 'href="/courses/basics/lessons/third"' in second
    assert "third (en)" in client.get("/courses/basics/lessons/third").get_data(as_text=True)
    entry = '  - id: second\n    title: {ar: "الثاني", en: "Second"}\n'
    write(synced, "courses/basics/course.yaml", course.read_text().replace(entry, ""))
    for lang in ("ar", "en"):  # files are numbered in the course's order
        (synced / f"courses/basics/lessons/02-second.{lang}.md").unlink()
        lessons = synced / "courses/basics/lessons"
        (lessons / f"03-third.{lang}.md").rename(lessons / f"02-third.{lang}.md")
    assert sync_content(synced).changed
    db.session.commit()
    assert client.get("/courses/basics/lessons/second").status_code == 404
    first = client.get("/courses/basics/lessons/first").get_data(as_text=True)
    assert "Lesson 1 of 2" in first and 'href="/courses/basics/lessons/third"' in first
