"""Placement quizzes in a small content tree: certification counts recognised courses only
where it says so, and `content check` reports every mistake in a placement quiz."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app import clock
from app.certification.models import Certificate, CertificationStanding
from app.content.services import check_content, sync_content
from app.courses.models import CourseRecognition
from app.extensions import db
from tests.certification.helpers import complete
from tests.conftest import REPO_ROOT
from tests.content_tree import write
from tests.quizzes.conftest import form_token

PLACEMENT = """
id: placement
placement: true
offer_days: 7
title: {ar: "تحديد المستوى", en: "Placement"}
pass_mark: 100
attempts: {max: 1}
sections:
  - {id: first-rung, tier: 1, questions: [t1]}
  - {id: second-rung, tier: 2, pass_mark: 50, questions: [t2a, t2b]}
questions:
  - {id: t1, type: true_false, prompt: "One", answer: true}
  - {id: t2a, type: true_false, prompt: "Two", answer: true}
  - {id: t2b, type: true_false, prompt: "Three", answer: true}
"""

CERTIFICATIONS = """
certifications:
  - id: accepting
    title: "Accepting"
    summary: "Basics, taken or recognised"
    requires: {courses: [basics]}
    accept_recognised: true
    valid_for_days: 365
    renew_window_days: 30
    refresher_courses: [basics]
  - id: strict
    title: "Strict"
    summary: "Basics, taken"
    requires: {courses: [basics]}
    valid_for_days: 365
    renew_window_days: 30
    refresher_courses: [basics]
"""


def _lines(root) -> list[str]:
    return [str(p) for p in check_content(root)[1]]


@pytest.fixture
def placement_root(content_root):
    write(content_root, "quizzes/placement.yaml", PLACEMENT)
    write(content_root, "courses/certifications.yaml", CERTIFICATIONS)
    return content_root


def _take(client, answers: dict) -> None:
    token = form_token(client.get("/quizzes/placement").get_data(as_text=True))
    response = client.post("/quizzes/placement/submit", data={"token": token, **answers})
    assert response.status_code == 302


def _certified() -> set[str]:
    return set(db.session.scalars(select(Certificate.certification_id)))


def test_recognised_courses_count_only_for_a_certification_that_accepts_them(
    app, placement_root, client, login_as
):
    sync_content(placement_root)
    db.session.commit()
    agent = login_as("agent", hire_date=clock.today())
    _take(client, {"q-t1": "true", "q-t2a": "false", "q-t2b": "false"})
    recognised = db.session.scalars(select(CourseRecognition.course_id)).all()
    assert recognised == ["basics"]
    assert _certified() == {"accepting"}
    standings = {s.certification_id: (s.met, s.total)
                 for s in db.session.scalars(select(CertificationStanding))}  # fmt: skip
    assert standings == {"accepting": (1, 1), "strict": (0, 1)}
    complete(agent, "basics")  # taking the course for real still counts everywhere
    assert _certified() == {"accepting", "strict"}


def test_a_section_at_its_own_pass_mark_recognises_its_tier(app, placement_root, client, login_as):
    sync_content(placement_root)
    db.session.commit()
    login_as("agent", hire_date=clock.today())
    _take(client, {"q-t1": "false", "q-t2a": "true", "q-t2b": "false"})  # tier 2 at 50%
    rows = db.session.scalars(select(CourseRecognition)).all()
    assert [(r.course_id, r.section, r.score) for r in rows] == [("talking", "second-rung", 50.0)]
    assert _certified() == set()


def test_the_shipped_placement_quiz_and_the_documented_one_are_valid(content_root):
    assert [p for p in _lines(REPO_ROOT) if "placement" in p] == []
    example = (REPO_ROOT / "quizzes" / "EXAMPLE.yaml").read_text(encoding="utf-8")
    block = example.split("# --- a placement quiz")[1].split("\n#\n", 1)[1]
    text = "\n".join(line.removeprefix("# ").removeprefix("#") for line in block.splitlines())
    (content_root / "quizzes" / "example-placement.yaml").write_text(text, encoding="utf-8")
    assert _lines(content_root) == []


BAD_PLACEMENT = """
id: placement
placement: true
course: basics
title: "Placement"
pass_mark: 80
sections:
  - {id: first-rung, tier: 1, questions: [t1, t1]}
  - {id: first-rung, tier: 1, questions: [t2]}
  - {id: third-rung, tier: 3, questions: [nowhere]}
  - {id: fifth-rung, tier: 5, pass_mark: 101, questions: []}
questions:
  - {id: t1, type: true_false, prompt: "One", answer: true}
  - {id: t2, type: true_false, prompt: "Two", answer: true}
  - {id: t3, type: true_false, prompt: "Three", answer: true}
"""


def test_content_check_reports_each_mistake_of_a_placement_quiz(content_root):
    write(content_root, "quizzes/placement.yaml", BAD_PLACEMENT)
    assert _lines(content_root) == [
        "quizzes/placement.yaml:10: sections[3].pass_mark: "
        "Input should be less than or equal to 100",
        "quizzes/placement.yaml:10: sections[3].questions: "
        "List should have at least 1 item after validation, not 0",
        "quizzes/placement.yaml:10: sections[3].tier: Input should be less than or equal to 4",
    ]
    write(content_root, "quizzes/placement.yaml", BAD_PLACEMENT.replace(
        "  - {id: fifth-rung, tier: 5, pass_mark: 101, questions: []}\n", ""
    ))  # fmt: skip
    assert _lines(content_root) == [
        "quizzes/placement.yaml:3: course: a placement quiz belongs to no course: leave course out",
        "quizzes/placement.yaml:7: sections[0].questions[1]: question 't1' is already in section 'first-rung'",
        "quizzes/placement.yaml:8: sections[1].id: duplicate section id",
        "quizzes/placement.yaml:8: sections[1].tier: another section tests this tier",
        "quizzes/placement.yaml:9: sections[2].questions[0]: unknown question 'nowhere'",
        "quizzes/placement.yaml:9: sections[2].tier: no course is in tier 3",
        "quizzes/placement.yaml:13: questions[2].id: the question is in no section",
    ]


def test_content_check_reports_placement_fields_where_they_do_not_belong(content_root):
    write(content_root, "quizzes/placement.yaml", "id: placement\nplacement: true\n"
          "title: P\npass_mark: 80\nquestions:\n  - {id: t1, type: true_false, prompt: O, "
          "answer: true}\n")  # fmt: skip
    write(content_root, "quizzes/basics-quiz.yaml", """
        id: basics-quiz
        title: Quiz
        pass_mark: 70
        offer_days: 10
        sections: [{id: s, tier: 1, questions: [q1]}]
        questions:
          - {id: q1, type: true_false, prompt: "A statement", answer: true}
        """)  # fmt: skip
    write(content_root, "courses/certifications.yaml", CERTIFICATIONS.replace(
        "requires: {courses: [basics]}\n    accept_recognised: true",
        "requires: {quizzes: [basics-quiz]}\n    accept_recognised: true",
    ))  # fmt: skip
    assert _lines(content_root) == [
        "courses/certifications.yaml:6: certifications[0].accept_recognised: "
        "accept_recognised needs courses under requires: there is nothing to recognise",
        "quizzes/basics-quiz.yaml:1: course: a quiz needs a course (only a placement quiz has none)",
        "quizzes/basics-quiz.yaml:4: offer_days: only a placement quiz has offer_days",
        "quizzes/basics-quiz.yaml:5: sections: only a placement quiz has sections",
        "quizzes/placement.yaml:2: placement: a placement quiz needs sections",
    ]


def test_content_check_wants_accept_recognised_true_or_false(placement_root):
    write(placement_root, "courses/certifications.yaml", CERTIFICATIONS.replace(
        'summary: "Basics, taken"', "summary: S\n    accept_recognised: maybe"
    ))  # fmt: skip
    assert _lines(placement_root) == [
        "courses/certifications.yaml:13: certifications[1].accept_recognised: "
        "Input should be a valid boolean, unable to interpret input",
    ]
