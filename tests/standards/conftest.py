"""A small standards file beside the small content tree, and a team to measure."""

import shutil
from datetime import UTC, datetime

import pytest

from app.content.services import sync_content
from app.extensions import db
from tests.conftest import REPO_ROOT
from tests.content_tree import write

STANDARDS = """
version: "{version}"
published: {published}
window_days: 30
changelog:
  - version: "{version}"
    date: {published}
    changes: {{ar: "الإصدار", en: "The edition"}}
metrics:
  - {{id: answer_time_seconds, title: "Answer time", unit: seconds}}
  - {{id: csat_pct, title: "Customer satisfaction", unit: percent}}
standards:
  - id: STD-01
    title: {{ar: "الرد السريع", en: "Answer promptly"}}
    text: {{ar: "نرد بسرعة.", en: "We answer promptly."}}
    category: timeliness
    evidence:
      observation: true
      kpis: [{{metric: answer_time_seconds, target: 20, direction: at_most}}]
    thresholds: {{met: 0.8, developing: 0.5}}
    remedial_course: basics
  - id: STD-03
    title: {{ar: "الإصغاء", en: "Listen and restate"}}
    text: {{ar: "نعيد صياغة ما قاله العميل.", en: "We restate what the customer said."}}
    category: communication
    evidence: {{criteria: [restate], observation: true}}
    thresholds: {{met: 0.8, developing: 0.5}}
    remedial_course: talking
  - id: STD-07
    title: {{ar: "ما لا نقوله", en: "What we never say"}}
    text: {{ar: "لا نتذرع بالسياسة.", en: "We never hide behind policy."}}
    category: professionalism
    evidence: {{criteria: [policy_speak], observation: true}}
    thresholds: {{met: 0.9, developing: 0.7}}
    remedial_course: talking
  - id: STD-10
    title: {{ar: "الخدمة نفسها", en: "The same service"}}
    text: {{ar: "خدمة واحدة.", en: "One service."}}
    category: professionalism
    evidence:
      observation: false
      kpis: [{{metric: csat_pct, target: 85, direction: at_least}}]
    thresholds: {{met: 0.8, developing: 0.5}}
    remedial_course: basics
"""

NOW = datetime(2026, 3, 15, 9, 0, tzinfo=UTC)


def write_standards(root, version="2026.1", published="2026-01-01"):
    write(root, "standards/standards.yaml", STANDARDS.format(version=version, published=published))


@pytest.fixture
def standards_root(content_root):
    """The small content tree with the real complaint-handling rubric and four standards."""
    rubrics = content_root / "quizzes" / "rubrics"
    rubrics.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO_ROOT / "quizzes" / "rubrics" / "complaint-handling.yaml", rubrics)
    write_standards(content_root)
    return content_root


@pytest.fixture
def now(app, monkeypatch):
    """Travel to a fixed time; returns a function to move on."""

    def travel(moment):
        monkeypatch.setitem(app.config, "FIXED_NOW", moment)
        return moment

    travel(NOW)
    return travel


@pytest.fixture
def synced(standards_root, now):
    sync_content(standards_root)
    db.session.commit()
    return standards_root


@pytest.fixture
def team(synced, two_teams):
    """Two teams (tests/conftest.py: two_teams), once the content is synced."""
    return two_teams


# Criterion titles as the complaint-handling rubric names them (stored with each answer).
TITLES = {
    "restate": {"ar": "إعادة صياغة تفاصيل الشكوى", "en": "Restating the specifics"},
    "policy_speak": {"ar": "التحجج بالسياسة والأنظمة", "en": "Hiding behind policy"},
}


@pytest.fixture
def roleplay(synced):
    """Store a scored role-play answer as the quiz flow does; returns its attempt."""
    from app.quizzes.models import Answer, Attempt, Quiz

    counter = iter(range(1, 10000))

    def make(agent, when, criteria=None, violations=None):
        quiz = db.session.get(Quiz, "basics-quiz")
        attempt = Attempt(
            user_id=agent.id, quiz_id=quiz.id, quiz_version_id=quiz.current_version_id,
            idempotency_key=f"rp-{next(counter)}", started_at=when, submitted_at=when,
            locale="en", auto_score=50, auto_passed=False, pass_mark=70,
        )  # fmt: skip
        result = {"criteria": criteria or {}, "violations": violations or {}}
        outcomes = [{"id": cid, "title": TITLES.get(cid, {})}
                    for cid in [*(criteria or {}), *(violations or {})]]  # fmt: skip
        attempt.answers.append(Answer(
            question_id="q1", position=1, response={"text": "..."}, points=5, max_points=10,
            detail={"kind": "roleplay", "score": 50, "result": result, "outcomes": outcomes},
            score=50,
        ))  # fmt: skip
        db.session.add(attempt)
        db.session.commit()
        return attempt

    return make


@pytest.fixture
def add_kpi(synced):
    from app.standards.models import KpiValue

    def add(agent, metric, end, value, days=7):
        from datetime import timedelta

        db.session.add(KpiValue(user_id=agent.id, metric=metric, value=value,
                                period_start=end - timedelta(days=days), period_end=end))  # fmt: skip
        db.session.commit()

    return add
