"""The demo company's certification history: every status the README promises shows in the
HR report, whichever day the demo is loaded on."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from app import clock
from app.certification import report
from app.certification.models import Certificate
from app.content.services import sync_content
from app.demo.certification_demo import load_certification_demo
from app.demo.services import load_demo
from app.extensions import db
from app.people.models import User
from tests.conftest import REPO_ROOT

# Ordinary days, a leap day, a year's last evening (already the next day in Riyadh) and a day
# in the past: the demo must not depend on the day the suite runs.
DAYS = [
    datetime(2026, 3, 15, 9, tzinfo=UTC),
    datetime(2028, 2, 29, 12, tzinfo=UTC),
    datetime(2027, 12, 31, 22, tzinfo=UTC),
    datetime(2025, 7, 1, 6, tzinfo=UTC),
]


@pytest.mark.parametrize("now", DAYS, ids=lambda d: d.date().isoformat())
def test_demo_agents_hold_certificates_in_every_state(app, monkeypatch, now):
    monkeypatch.setitem(app.config, "FIXED_NOW", now)
    sync_content(REPO_ROOT)
    load_demo()  # loads the certification history along with the people
    db.session.commit()
    assert db.session.scalar(select(func.count(Certificate.id))) >= 6
    assert load_certification_demo(clock.today()) == 0  # once only
    hr = db.session.scalar(select(User).where(User.role == "hr"))
    totals = report.totals(hr, report.ReportFilter(), clock.today(), None)
    # The README: several certified, one expiring within 30 days, one expired.
    assert totals["certified"] >= 3
    assert totals["expiring"] == 1
    assert totals["expired"] == 1
    for status in ("in_progress", "not_started"):
        assert totals[status] > 0, status
