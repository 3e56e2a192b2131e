"""A small, valid content tree in a temporary folder, for tests that need courses and quizzes."""

import textwrap
from pathlib import Path

import pytest


def write(root: Path, relative: str, text: str) -> Path:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return path


COURSE = """
id: {id}
tier: {tier}
title: {{ar: "دورة {id}", en: "Course {id}"}}
summary: "Summary of {id}"
requires: {requires}
lessons:
  - id: first
    title: {{ar: "الأول", en: "First"}}
  - id: second
    title: {{ar: "الثاني", en: "Second"}}
quizzes: {quizzes}
"""

QUIZ = """
id: {id}
course: {course}
title: {{ar: "اختبار", en: "Quiz"}}
pass_mark: 70
attempts: {{max: 2, wait_minutes: 5}}
questions:
  - id: q1
    type: true_false
    prompt: {{ar: "عبارة", en: "A statement"}}
    answer: true
"""


def add_course(root: Path, course_id, tier=1, requires="[]", quizzes="[]") -> None:
    write(root, f"courses/{course_id}/course.yaml",
          COURSE.format(id=course_id, tier=tier, requires=requires, quizzes=quizzes))  # fmt: skip
    for n, slug in ((1, "first"), (2, "second")):
        for lang in ("ar", "en"):
            write(root, f"courses/{course_id}/lessons/0{n}-{slug}.{lang}.md",
                  f"## {slug} ({lang})\n\nText of the lesson.\n")  # fmt: skip


@pytest.fixture
def content_root(tmp_path):
    """A small, valid content tree; tests edit it to break it."""
    add_course(tmp_path, "basics", quizzes="[basics-quiz]")
    add_course(tmp_path, "talking", tier=2, requires="[basics]")
    write(tmp_path, "quizzes/basics-quiz.yaml", QUIZ.format(id="basics-quiz", course="basics"))
    write(tmp_path, "courses/paths.yaml", """
        paths:
          - id: onboarding
            title: "Onboarding"
            courses:
              - {course: basics, due_days: 7}
              - {course: talking, due_days: 21}
        """)  # fmt: skip
    return tmp_path
