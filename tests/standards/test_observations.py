"""Observations through the pages: who may record and see them, the 24-hour edit window,
corrections and critical standards."""

from datetime import timedelta

from sqlalchemy import select

from app.audit.models import AuditEntry
from app.extensions import db
from app.standards import services
from app.standards.models import Observation
from tests.standards.conftest import NOW

FORM = {
    "observed_on": "2026-03-14", "channel": "phone", "reference": "CASE-1",
    "rating_STD_01": "met", "comment_STD_01": "Answered at once",
    "rating_STD_03": "partly", "comment_STD_03": "",
    "rating_STD_07": "na", "comment_STD_07": "",
}  # fmt: skip


def _record(client, agent, **changes):
    return client.post(f"/standards/agents/{agent.id}/observations/new", data={**FORM, **changes})


def _only_observation() -> Observation:
    return db.session.scalars(select(Observation)).one()


def test_manager_records_an_observation_and_it_counts(team, client, login):
    agent = team["agents"][0]
    login(team["manager"])
    form = client.get(f"/standards/agents/{agent.id}/observations/new")
    assert form.status_code == 200
    assert 'for="rating_STD_01"' in form.get_data(as_text=True)
    assert "rating_STD_10" not in form.get_data(as_text=True)  # not observed
    response = _record(client, agent)
    assert response.status_code == 302
    observation = _only_observation()
    assert {i.standard_id: i.rating for i in observation.items} == {
        "STD-01": "met", "STD-03": "partly", "STD-07": "na",
    }  # fmt: skip
    assert observation.score == 0.75 and not observation.failed
    statuses = services.current_statuses([agent.id])
    assert statuses[(agent.id, "STD-01")] == "met"
    assert statuses[(agent.id, "STD-03")] == "developing"
    assert statuses[(agent.id, "STD-07")] == "no_evidence"  # n/a is not evidence
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "CASE-1" in page and "Answered at once" in page


def test_observation_in_the_future_or_without_ratings_is_refused(team, client, login):
    login(team["manager"])
    agent = team["agents"][0]
    assert _record(client, agent, observed_on="2026-03-16").status_code == 200
    assert _record(client, agent, rating_STD_01="na", rating_STD_03="na").status_code == 200
    assert db.session.scalar(select(Observation.id)) is None


def test_manager_cannot_record_or_see_another_teams_observations(team, client, login):
    stranger = team["stranger"]
    login(team["other_manager"])
    assert _record(client, stranger).status_code == 302
    theirs = _only_observation()
    client.post("/logout")
    login(team["manager"])
    assert client.get(f"/standards/agents/{stranger.id}/observations/new").status_code == 404
    assert _record(client, stranger).status_code == 404
    for url in ("", "/edit", "/correct"):
        assert client.get(f"/standards/observations/{theirs.id}{url}").status_code == 404
    assert client.get(f"/standards/agents/{stranger.id}").status_code == 404
    assert db.session.scalar(select(Observation.id).where(Observation.id != theirs.id)) is None


def test_agents_see_their_own_observations_only(team, client, login):
    mine, colleague = team["agents"]
    login(team["manager"])
    _record(client, mine)
    observation = _only_observation()
    client.post("/logout")
    login(colleague)
    assert client.get(f"/standards/observations/{observation.id}").status_code == 404
    assert client.get("/standards/me").status_code == 200
    assert "CASE-1" not in client.get("/standards/me").get_data(as_text=True)
    client.post("/logout")
    login(mine)
    assert client.get(f"/standards/observations/{observation.id}").status_code == 200
    assert "CASE-1" in client.get("/standards/me").get_data(as_text=True)
    assert client.get(f"/standards/agents/{mine.id}").status_code == 403


def test_author_edits_within_24_hours_then_it_is_immutable(team, client, login, now):
    agent = team["agents"][0]
    login(team["manager"])
    _record(client, agent)
    observation = _only_observation()
    url = f"/standards/observations/{observation.id}/edit"
    now(NOW + timedelta(hours=23, minutes=59))
    assert client.post(url, data={**FORM, "rating_STD_03": "met"}).status_code == 302
    db.session.expire_all()
    assert {i.standard_id: i.rating for i in observation.items}["STD-03"] == "met"
    assert services.current_statuses([agent.id])[(agent.id, "STD-03")] == "met"
    now(NOW + timedelta(hours=24))
    response = client.post(url, data={**FORM, "rating_STD_03": "not_met"})
    assert response.status_code == 403
    assert 'id="locked-explanation"' in response.get_data(as_text=True)
    db.session.expire_all()
    assert {i.standard_id: i.rating for i in observation.items}["STD-03"] == "met"
    actions = db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert [a for a in actions if a.startswith("observation")] == [
        "observation_recorded", "observation_edited",
    ]  # fmt: skip


def test_another_manager_of_the_team_cannot_edit(team, client, login, make_user):
    agent = team["agents"][0]
    login(team["manager"])
    _record(client, agent)
    observation = _only_observation()
    client.post("/logout")
    login(make_user("hr"))
    assert client.get(f"/standards/observations/{observation.id}").status_code == 200
    assert client.post(f"/standards/observations/{observation.id}/edit").status_code == 403


def test_correction_is_a_new_linked_record_and_replaces_the_original(team, client, login, now):
    agent = team["agents"][0]
    login(team["manager"])
    _record(client, agent, rating_STD_01="not_met")
    original = _only_observation()
    now(NOW + timedelta(days=2))
    url = f"/standards/observations/{original.id}/correct"
    assert client.post(url, data={**FORM, "reason": ""}).status_code == 200  # reason required
    response = client.post(url, data={**FORM, "reason": "Wrong call listened to"})
    assert response.status_code == 302
    correction = db.session.scalar(select(Observation).where(Observation.corrects_id.is_not(None)))
    assert correction.corrects_id == original.id and correction.reason == "Wrong call listened to"
    db.session.expire_all()
    assert {i.standard_id: i.rating for i in original.items}["STD-01"] == "not_met"  # kept
    assert services.current_statuses([agent.id])[(agent.id, "STD-01")] == "met"
    page = client.get(f"/standards/observations/{original.id}").get_data(as_text=True)
    assert 'id="corrected-notice"' in page
    again = client.post(url, data={**FORM, "reason": "twice"})
    assert again.status_code == 200  # one correction per record: correct the correction
    assert db.session.scalar(select(db.func.count(Observation.id))) == 2


def test_critical_standard_not_met_fails_the_whole_observation(team, client, login, make_user):
    login(make_user("admin"))
    assert client.post("/standards/scorecard", data={"critical_STD_07": "y"}).status_code == 302
    client.post("/logout")
    login(team["manager"])
    agent = team["agents"][0]
    _record(client, agent, rating_STD_07="partly")
    assert not _only_observation().failed
    _record(client, agent, rating_STD_07="not_met", reference="CASE-2")
    failed = db.session.scalar(select(Observation).where(Observation.reference == "CASE-2"))
    assert failed.failed and failed.score == 0
    assert [i.critical for i in failed.items if i.standard_id == "STD-07"] == [True]
    page = client.get(f"/standards/observations/{failed.id}").get_data(as_text=True)
    assert "critical standard was not met" in page


def test_observation_text_refuses_direction_overrides_and_zero_width_spaces(team, client, login):
    agent = team["agents"][0]
    login(team["manager"])
    page = _record(client, agent, comment_STD_01="Polite \u202eetiloP").text
    assert 'id="comment_STD_01-errors"' in page and "U+202E RIGHT-TO-LEFT OVERRIDE" in page
    page = _record(client, agent, reference="CASE\u200b-1").text
    assert 'id="reference-errors"' in page and "U+200B ZERO WIDTH SPACE" in page
    assert db.session.scalar(select(Observation.id)) is None
    # A right-to-left mark is part of mixed Arabic and English writing: a comment keeps it.
    assert _record(client, agent, comment_STD_01="رد على CASE-1\u200f.").status_code == 302
