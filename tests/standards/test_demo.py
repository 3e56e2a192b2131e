"""The demo evidence: every status shows up on the demo heatmaps, and loading twice adds
nothing."""

from datetime import UTC, datetime

from sqlalchemy import func, select

from app.content.services import sync_content
from app.demo import data
from app.demo.services import load_demo
from app.demo.standards_demo import load_standards_demo
from app.extensions import db
from app.people.models import User
from app.standards.models import ComplianceChange, ComplianceStatus, KpiValue, Observation
from tests.conftest import REPO_ROOT

NOW = datetime(2026, 11, 20, 9, tzinfo=UTC)
TODAY = NOW.date()


def test_demo_evidence_shows_every_status(app, client, login, monkeypatch):
    monkeypatch.setitem(app.config, "FIXED_NOW", NOW)
    sync_content(REPO_ROOT)
    load_demo()  # loads the standards evidence along with the people
    db.session.commit()
    counts = {
        "observations": db.session.scalar(select(func.count(Observation.id))),
        "kpi_values": db.session.scalar(select(func.count(KpiValue.id))),
    }
    assert counts["observations"] > 50 and counts["kpi_values"] > 100
    statuses = set(db.session.scalars(select(ComplianceStatus.status).distinct()))
    assert statuses == {"met", "developing", "not_met", "no_evidence"}
    changes = db.session.scalar(select(func.count(ComplianceChange.id)))
    assert changes > db.session.scalar(select(func.count(ComplianceStatus.id)))  # trends
    assert load_standards_demo(TODAY) == {"observations": 0, "kpi_values": 0}
    assert db.session.scalar(select(func.count(Observation.id))) == counts["observations"]
    maha = db.session.scalar(select(User).where(User.email == data.demo_email("maha")))
    login(maha, data.DEMO_PASSWORD)
    html = client.get("/standards/team").get_data(as_text=True)
    for status in ("met", "developing", "not_met"):
        assert f'data-status="{status}"' in html
