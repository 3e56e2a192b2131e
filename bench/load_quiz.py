"""A content folder for load runs: the shipped content plus a quiz with no attempt limits."""

from __future__ import annotations

import shutil
from pathlib import Path

from bench.common import REPO_ROOT

QUIZ_ID = "load-check"
QUIZ = """
id: load-check
course: product-basics
title: {ar: "اختبار التحمل", en: "Load check"}
pass_mark: 60
attempts: {max: 0, wait_minutes: 0}
questions:
  - id: speed
    type: true_false
    prompt: {ar: "باقة سحاب بلس 200 سرعتها 200 ميغابت", en: "Sahab Plus 200 gives 200 Mbps"}
    answer: true
  - id: warranty
    type: single_choice
    prompt: {ar: "كم مدة ضمان الراوتر؟", en: "How long is the router warranty?"}
    choices:
      - {id: one, text: {ar: "سنة", en: "One year"}}
      - {id: two, text: {ar: "سنتان", en: "Two years"}, correct: true}
  - id: outage-reply
    type: roleplay
    language: en
    customer: "My internet has been down for two days and nobody called me back!"
    rubric: complaint-handling
    key_points:
      - ["two days", "2 days", "since the day before yesterday"]
      - ["nobody called", "no one called", "no call back", "didn't call"]
"""
ANSWERS = {
    "q-speed": "true",
    "q-warranty": "two",
    "q-outage-reply": (
        "I'm so sorry your internet has been down for two days and that nobody called you back. "
        "I understand how frustrating that is. I have booked a technician for tomorrow at 10 am "
        "and I will call you at 5 pm today to confirm. Thank you for your patience."
    ),
}


def content_with_load_quiz(folder: Path) -> Path:
    """Copy courses/, quizzes/ and standards/ into folder and add the load quiz."""
    for name in ("courses", "quizzes", "standards"):
        shutil.copytree(REPO_ROOT / name, folder / name)
    (folder / "quizzes" / f"{QUIZ_ID}.yaml").write_text(QUIZ.lstrip(), encoding="utf-8")
    course = folder / "courses" / "product-basics" / "course.yaml"
    text = course.read_text(encoding="utf-8")
    course.write_text(text.replace("quizzes: [", f"quizzes: [{QUIZ_ID}, ", 1), encoding="utf-8")
    return folder
