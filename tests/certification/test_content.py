"""courses/certifications.yaml: checked with file:line problems, synced idempotently."""

from pathlib import Path

from sqlalchemy import select

from app.certification.models import Certification
from app.content.services import check_content, sync_content
from app.extensions import db
from tests.certification.helpers import CERTIFICATIONS
from tests.content_tree import write

REPO_ROOT = Path(__file__).resolve().parents[2]


def _lines(root):
    return [str(p) for p in check_content(root)[1]]


def test_shipped_certifications_are_valid_and_cover_three_levels():
    catalogue, problems = check_content(REPO_ROOT)
    assert [p for p in problems if p.path == "courses/certifications.yaml"] == []
    certifications = {c.id: c for c in catalogue.certifications.certifications}
    assert len(certifications) >= 3
    level1 = certifications["level-1-service-agent"].requires
    assert level1.courses == ["product-basics", "communication"] and level1.acknowledge_standards
    level2 = certifications["level-2-complaint-handling"].requires
    assert "complaint-handling-quiz" in level2.quizzes
    assert certifications["level-3-service-excellence"].requires.standards_met


def test_unknown_references_are_reported_with_file_and_line(content_root):
    write(content_root, "courses/certifications.yaml", """
        certifications:
          - id: broken
            title: Broken
            summary: Broken
            requires:
              courses: [basics, no-such-course]
              quizzes: [no-such-quiz]
              standards_met: [STD-99]
            valid_for_days: 100
            renew_window_days: 10
            refresher_courses: [gone]
        """)  # fmt: skip
    write(content_root, "standards/standards.yaml", """
        version: "1"
        published: 2026-01-01
        standards:
          - id: STD-01
            title: One
            text: One
            category: timeliness
            evidence: {criteria: []}
            thresholds: {met: 0.8, developing: 0.5}
        """)  # fmt: skip
    assert _lines(content_root) == [
        "courses/certifications.yaml:6: certifications[0].requires.courses[1]: "
        "unknown course 'no-such-course'",
        "courses/certifications.yaml:7: certifications[0].requires.quizzes[0]: "
        "unknown quiz 'no-such-quiz'",
        "courses/certifications.yaml:8: certifications[0].requires.standards_met[0]: "
        "unknown standard 'STD-99'",
        "courses/certifications.yaml:11: certifications[0].refresher_courses[0]: "
        "unknown course 'gone'",
    ]


def test_schema_problems(content_root):
    write(content_root, "courses/certifications.yaml", """
        certifications:
          - id: empty
            title: Empty
            summary: Empty
            requires: {}
            valid_for_days: 100
            renew_window_days: 10
            refresher_courses: [gone]
        """)  # fmt: skip
    assert _lines(content_root) == [
        "courses/certifications.yaml:5: certifications[0].requires: name at least one requirement"
    ]
    write(content_root, "courses/certifications.yaml", """
        certifications:
          - id: long-window
            title: Long
            summary: Long
            requires: {courses: [basics]}
            valid_for_days: 100
            renew_window_days: 100
            refresher_courses: [basics]
        """)  # fmt: skip
    assert _lines(content_root) == [
        "courses/certifications.yaml:7: certifications[0].renew_window_days: "
        "must be shorter than valid_for_days"
    ]


def test_sync_loads_updates_and_retires(app, content_root):
    write(content_root, "courses/certifications.yaml", CERTIFICATIONS)
    report = sync_content(content_root)
    db.session.commit()
    assert report.counts["certifications_added"] == 3
    assert sync_content(content_root).changed is False
    text = CERTIFICATIONS.split("  - id: quizzer")[0].replace(
        "valid_for_days: 365", "valid_for_days: 400"
    )
    write(content_root, "courses/certifications.yaml", text)
    report = sync_content(content_root)
    db.session.commit()
    assert report.counts["certifications_retired"] == 2
    rows = {c.id: c for c in db.session.scalars(select(Certification))}
    assert rows["starter"].valid_for_days == 400 and rows["starter"].active
    assert not rows["quizzer"].active
    assert rows["starter"].requirements["courses"] == ["basics", "talking"]
