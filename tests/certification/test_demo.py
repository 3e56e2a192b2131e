"""The demo company's certification history: every status shows in the HR report."""

from datetime import date
from pathlib import Path

from sqlalchemy import func, select

from app.certification.models import Certificate
from app.content.services import sync_content
from app.demo.certification_demo import load_certification_demo
from app.demo.services import load_demo
from app.extensions import db
from app.people.models import User
from app.reports import certification_report as report

REPO_ROOT = Path(__file__).resolve().parents[2]


def test_demo_agents_hold_certificates_in_every_state(app):
    sync_content(REPO_ROOT)
    today = date.today()
    load_demo(today)  # loads the certification history along with the people
    db.session.commit()
    assert db.session.scalar(select(func.count(Certificate.id))) >= 6
    assert load_certification_demo(today) == 0  # once only
    hr = db.session.scalar(select(User).where(User.role == "hr"))
    totals = report.totals(hr, report.ReportFilter(), today, None)
    for status in ("certified", "expiring", "expired", "in_progress", "not_started"):
        assert totals[status] > 0, status
