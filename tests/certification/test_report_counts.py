"""The HR report's totals come from counts kept beside the standings; whatever happens to the
certificates and the people, they equal a full recount of the cells the report lists."""

import threading
from collections import Counter
from datetime import date, timedelta

import pytest
from sqlalchemy import insert, select, update

from app import clock
from app.certification import counts, report
from app.certification import services as certification
from app.certification.models import Certificate, CertificationStanding
from app.database import writing
from app.extensions import db
from app.people import services as people
from app.people.models import User
from app.standards.services import current_version
from tests.certification.helpers import (
    complete,
    pass_quiz,
    publish_standards,
    read_lessons,
    run_daily,
    travel,
    with_certifications,
)

START = date(2026, 3, 1)
FILTERS = [
    {},
    {"certification_id": "starter"},
    {"certification_id": "quizzer"},
    {"older_version": True},
    {"older_version": True, "certification_id": "starter"},
]


def listed(viewer, flt: report.ReportFilter, version) -> dict[str, int]:
    """Every cell of the report, listed one by one and counted by status."""
    found = Counter(row.status for row in report.iter_rows(viewer, flt, clock.today(), "en",
                                                           version))  # fmt: skip
    return {status: found.get(status, 0) for status in report.STATUSES}


def assert_totals_are_a_recount(hr) -> dict[str, int]:
    """The kept counts equal the standings counted again, and the report's totals (read
    from them) equal its cells counted one by one, under each filter the counts answer."""
    assert counts.differences(db.session.connection()) == {}
    version = getattr(current_version(), "version", None)
    for values in FILTERS:
        flt = report.ReportFilter(**values)
        assert report.totals(hr, flt, clock.today(), version) == listed(hr, flt, version), values
    # the cells in progress by percent, which the report sorted by progress pages through
    rows = report.iter_rows(hr, report.ReportFilter(), clock.today(), "en", version)
    in_progress = Counter(row.percent for row in rows if row.status == "in_progress")
    assert dict(db.session.execute(counts.progress_statement(False)).all()) == in_progress
    return report.totals(hr, report.ReportFilter(), clock.today(), version)


def _certificate(user, certification_id="starter") -> Certificate:
    return db.session.scalar(
        select(Certificate)
        .where(Certificate.user_id == user.id, Certificate.certification_id == certification_id)
        .order_by(Certificate.id.desc())
    )


@pytest.fixture
def company(app, content_root, make_user, monkeypatch):
    travel(monkeypatch, app, START)
    with_certifications(content_root)
    publish_standards("2026.1")
    names = ("renews", "revoked", "expires", "leaves", "promoted", "reads")
    return {name: make_user("agent", name_en=name) for name in names} | {"hr": make_user("hr")}


def test_totals_equal_a_recount_through_a_certificate_lifetime(
    company, app, runner, monkeypatch, make_user
):
    hr = company["hr"]
    assert assert_totals_are_a_recount(hr)["not_started"] == 6 * 3  # nobody has a standing yet

    read_lessons(company["reads"], "basics")  # in progress
    for name in ("renews", "revoked", "expires", "leaves", "promoted"):
        complete(company[name], "basics")
        complete(company[name], "talking")  # issued
    totals = assert_totals_are_a_recount(hr)
    assert totals["certified"] == 5 and totals["in_progress"] >= 1  # starter; quizzer asks more

    certification.revoke_certificate(hr, _certificate(company["revoked"]), "Copied answers")
    db.session.commit()
    assert assert_totals_are_a_recount(hr)["revoked"] == 1

    # An older standards version: what was earned under 2026.1 now counts as older.
    travel(monkeypatch, app, START + timedelta(days=10))
    publish_standards("2026.2", published=START + timedelta(days=10))
    assert_totals_are_a_recount(hr)

    # Expiring soon, then renewed through the refresher (a new certificate, a new expiry).
    expires_on = _certificate(company["renews"]).expires_on
    travel(monkeypatch, app, expires_on - timedelta(days=20))
    run_daily(runner)
    assert assert_totals_are_a_recount(hr)["expiring"] >= 1
    pass_quiz(company["renews"], when=app.config["FIXED_NOW"])
    run_daily(runner)
    assert _certificate(company["renews"]).renewal_of_id is not None
    assert_totals_are_a_recount(hr)

    # Past the expiry date: the daily job marks them expired; the counts need no step.
    travel(monkeypatch, app, expires_on + timedelta(days=1))
    assert assert_totals_are_a_recount(hr)["expired"] >= 1
    run_daily(runner)
    assert _certificate(company["expires"]).expired_at is not None
    assert assert_totals_are_a_recount(hr)["expired"] >= 1

    # People leave, come back, change role; someone new arrives with no standing.
    people.set_active(company["leaves"], False, actor=hr)
    db.session.commit()
    assert_totals_are_a_recount(hr)
    people.set_active(company["leaves"], True, actor=hr)
    db.session.commit()
    assert_totals_are_a_recount(hr)
    people.update_person(company["promoted"], {"role": "manager"}, actor=hr)
    db.session.commit()
    assert_totals_are_a_recount(hr)
    make_user("agent")
    assert_totals_are_a_recount(hr)


def test_a_transaction_rolled_back_leaves_the_counts_as_they_were(company):
    complete(company["renews"], "basics")
    complete(company["renews"], "talking")
    before = counts.stored(db.session.connection())
    certification.revoke_certificate(company["hr"], _certificate(company["renews"]), "Copied it")
    people.set_active(company["reads"], False, actor=company["hr"])
    db.session.flush()
    db.session.rollback()
    assert counts.stored(db.session.connection()) == before
    assert_totals_are_a_recount(company["hr"])


def _insert_in_bulk(agent) -> None:
    db.session.execute(insert(CertificationStanding), [
        {"user_id": agent.id, "certification_id": "starter", "met": 1, "total": 2,
         "percent": 50, "evaluated_at": clock.now()},
    ])  # fmt: skip
    db.session.commit()


def test_rows_written_in_bulk_are_counted_by_a_rebuild(company):
    _insert_in_bulk(company["reads"])
    assert counts.differences(db.session.connection()) != {}
    counts.rebuild(db.session)
    db.session.commit()
    assert assert_totals_are_a_recount(company["hr"])["in_progress"] == 1


def test_the_daily_job_sets_right_totals_that_rows_written_around_the_app_left_wrong(
    company, runner
):
    assert "report_counts_corrected=0" in run_daily(runner)  # standings for everyone now
    db.session.execute(  # someone leaves through an UPDATE statement, which no flush sees
        update(User).where(User.id == company["reads"].id).values(active=False)
    )
    db.session.commit()
    totals = report.totals(company["hr"], report.ReportFilter(), clock.today(), None)
    assert sum(totals.values()) == 6 * 3  # still counted: the counts did not see it
    # the agents, and not started in each of the three certifications
    assert "report_counts_corrected=4" in run_daily(runner)
    assert sum(assert_totals_are_a_recount(company["hr"]).values()) == 5 * 3
    assert "report_counts_corrected=0" in run_daily(runner)


def test_two_requests_moving_one_agent_at_once_count_the_move_once(company, app):
    """Two requests re-evaluate the same agent at the same moment, each from what it read
    before the other wrote. The second waits for the first (PostgreSQL: the person's row;
    SQLite: one writer at a time) and counts from what it then finds."""
    certification.evaluate_all_agents()  # everyone's standings, nothing met yet
    db.session.commit()
    agent_id = company["reads"].id
    query = select(CertificationStanding).where(
        CertificationStanding.user_id == agent_id,
        CertificationStanding.certification_id == "starter",
    )
    other_started = threading.Event()

    def other_request():
        with app.app_context(), writing():
            other_started.set()
            db.session.scalar(query).percent = 50  # read before the first one commits
            db.session.commit()

    with writing():
        db.session.scalar(query).percent = 50
        db.session.flush()
        other = threading.Thread(target=other_request)
        other.start()
        other_started.wait()
        threading.Event().wait(0.3)  # let the other request read and reach its own flush
        db.session.commit()
    other.join()
    assert assert_totals_are_a_recount(company["hr"])["in_progress"] == 1


def test_an_issue_that_loses_a_race_leaves_the_counts_right(company):
    """The same first issue made twice (two evaluations at once): the second certificate's
    insert fails inside its savepoint, and the counts stay those of the stored rows."""
    from app.certification.models import Certification

    agent = company["renews"]
    complete(agent, "basics")
    complete(agent, "talking")
    starter = db.session.get(Certification, "starter")
    other = certification.standing_of(agent.id, "quizzer")
    other.percent = 0 if other.percent else 50  # moves a bucket in the same transaction
    standing = certification.standing_of(agent.id, "starter")
    assert certification.issue_certificate(agent, starter, standing) is None
    db.session.commit()
    assert_totals_are_a_recount(company["hr"])
