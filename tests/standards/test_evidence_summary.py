"""Statuses recomputed from each answer's small criteria summary (on every submit, override and
observation) equal a full recompute from the whole scoring details, whatever the history."""

from datetime import timedelta

import pytest
from sqlalchemy import Text, cast, insert, select

from app import clock
from app.content.services import sync_content
from app.extensions import db
from app.quizzes.models import Answer, Attempt, Quiz, ScoreOverride
from app.standards import compliance, definitions, evidence, services
from app.standards.models import ComplianceStatus
from app.standards.observations import ObservationInput, record_observation
from tests.content_tree import write
from tests.standards.conftest import NOW, STANDARDS


def _full_recompute(user_ids: list[int]) -> dict[tuple[int, str], tuple]:
    """Each agent's (status, score, count) per standard from the whole stored details."""
    version = services.current_version()
    rules, window = definitions.rules_of(version), definitions.window_days_of(version)
    today = clock.today()
    found = evidence.load_evidence(
        user_ids, rules, today, window, definitions.evidence_weights_of(version)
    )
    result = {}
    for user_id in user_ids:
        for rule in rules:
            assessed = compliance.assess(found.get(user_id, []), rule, today, window)
            result[(user_id, rule.id)] = (assessed.status, assessed.score, assessed.count)
    return result


def _stored(user_ids: list[int]) -> dict[tuple[int, str], tuple]:
    rows = db.session.scalars(
        select(ComplianceStatus).where(ComplianceStatus.user_id.in_(user_ids))
    )
    return {(r.user_id, r.standard_id): (r.status, r.score, r.evidence_count) for r in rows}


def _dialogue(agent, when, turns):
    """A scored multi-turn role-play: criteria judged per turn, as the dialogue type stores."""
    quiz = db.session.get(Quiz, "basics-quiz")
    attempt = Attempt(
        user_id=agent.id, quiz_id=quiz.id, quiz_version_id=quiz.current_version_id,
        idempotency_key=f"dialogue-{agent.id}-{when.isoformat()}", started_at=when,
        submitted_at=when, locale="ar", auto_score=60, auto_passed=False, pass_mark=70,
    )  # fmt: skip
    detail = {"kind": "dialogue", "score": 60,
              "turns": [{"turn": n, "result": result, "outcomes": []}
                        for n, result in enumerate(turns, start=1)]}  # fmt: skip
    attempt.answers.append(Answer(question_id="d1", position=1, response={}, points=6,
                                  max_points=10, detail=detail, score=60))  # fmt: skip
    db.session.add(attempt)
    db.session.commit()
    return attempt


def test_statuses_after_submits_overrides_and_observations_equal_a_full_recompute(
    team, roleplay, now
):
    agents = [*team["agents"], team["stranger"]]
    ids = [agent.id for agent in agents]
    manager = team["manager"]
    attempts = []
    for day in range(12):
        when = NOW - timedelta(days=35 - 3 * day)  # the first ones fall outside the window
        for n, agent in enumerate(agents):
            attempts.append(roleplay(
                agent, when, criteria={"restate": (day + n) % 3 != 0},
                violations={"policy_speak": (day * n) % 4 == 1},
            ))  # fmt: skip
            services.recompute_statuses([agent.id])
            db.session.commit()
            assert _stored([agent.id]) == _full_recompute([agent.id])
    _dialogue(agents[0], NOW - timedelta(days=2),
              [{"criteria": {"restate": False}, "violations": {"policy_speak": True}},
               {"criteria": {"restate": True}, "violations": {"policy_speak": False}}])  # fmt: skip
    services.recompute_statuses([agents[0].id])
    db.session.commit()
    for attempt, flags in ((attempts[-1], {"restate": False}),
                           (attempts[-2], {"restate": True, "policy_speak": False}),
                           (attempts[-1], {"policy_speak": True})):  # fmt: skip
        db.session.add(ScoreOverride(attempt_id=attempt.id, manager_id=manager.id,
                                     criteria=flags, score=70, passed=True, reason="heard it"))  # fmt: skip
        db.session.flush()
        services.recompute_statuses([attempt.user_id])
        db.session.commit()
    for agent, rating in zip(team["agents"], ("met", "not_met"), strict=True):
        ratings = {"STD-03": (rating, ""), "STD-07": ("partly", ""), "STD-01": ("met", "")}
        data = ObservationInput(NOW.date() - timedelta(days=1), "phone", "call 7", ratings)
        record_observation(manager, agent, data)
        db.session.commit()
    stored = _stored(ids)
    assert stored == _full_recompute(ids)
    assert len(stored) == 4 * len(agents)
    statuses = {status for status, _score, _count in stored.values()}
    assert len(statuses) >= 3  # the sequence reaches different statuses, not one for all
    now(NOW + timedelta(days=20))  # most of the history leaves the window
    services.recompute_statuses(ids)
    db.session.commit()
    assert _stored(ids) == _full_recompute(ids)


def test_an_answer_keeps_its_criteria_summary_in_step_with_its_detail(team, roleplay):
    agent = team["agents"][0]
    attempt = roleplay(agent, NOW, criteria={"restate": True}, violations={"policy_speak": True})
    answer = attempt.answers[0]
    assert answer.criteria == {"criteria": {"restate": True}, "violations": {"policy_speak": True}}
    answer.detail = {**answer.detail, "result": {"criteria": {"restate": False}, "violations": {}}}
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Answer, answer.id).criteria == {
        "criteria": {"restate": False}, "violations": {}
    }  # fmt: skip
    services.recompute_statuses([agent.id])
    db.session.commit()
    assert _stored([agent.id]) == _full_recompute([agent.id])
    assert _stored([agent.id])[(agent.id, "STD-03")][0] == "not_met"


def test_an_answer_inserted_in_bulk_without_its_summary_still_counts(team, roleplay):
    agent = team["agents"][0]
    attempt = roleplay(agent, NOW, criteria={"restate": True}, violations={"policy_speak": False})
    db.session.execute(insert(Answer), [{
        "attempt_id": attempt.id, "question_id": "q2", "position": 2, "response": {},
        "points": 0, "max_points": 10, "score": 0,
        "detail": {"result": {"criteria": {"restate": False}, "violations": {"policy_speak": True}}},
    }])  # fmt: skip
    # and one whose summary was written as JSON null rather than left empty
    db.session.execute(insert(Answer), [{
        "attempt_id": attempt.id, "question_id": "q3", "position": 3, "response": {},
        "points": 0, "max_points": 10, "score": 0, "criteria": None,
        "detail": {"result": {"criteria": {"restate": True}, "violations": {"policy_speak": True}}},
    }])  # fmt: skip
    db.session.commit()
    assert db.session.scalar(select(Answer.criteria).where(Answer.question_id == "q2")) is None
    summary = select(cast(Answer.criteria, Text)).where(Answer.question_id == "q3")
    assert db.session.scalar(summary) == "null"
    services.recompute_statuses([agent.id])
    db.session.commit()
    assert _stored([agent.id]) == _full_recompute([agent.id])
    assert _stored([agent.id])[(agent.id, "STD-03")][:2] == ("developing", pytest.approx(2 / 3))


def test_an_override_of_one_answer_counts_for_that_answer_only(team, roleplay):
    agent, manager = team["agents"][0], team["manager"]
    attempt = roleplay(agent, NOW, criteria={"restate": True}, violations={})
    attempt.answers.append(Answer(
        question_id="q2", position=2, response={"text": "..."}, points=5, max_points=10,
        detail={"kind": "roleplay", "score": 50, "outcomes": [],
                "result": {"criteria": {"restate": True}, "violations": {}}},
        score=50,
    ))  # fmt: skip
    db.session.commit()
    roleplay(agent, NOW - timedelta(days=1), criteria={"restate": True}, violations={})
    db.session.add(ScoreOverride(attempt_id=attempt.id, answer_id=attempt.answers[1].id,
                                 manager_id=manager.id, criteria={"restate": False}, score=0,
                                 passed=False, reason="no detail of hers"))  # fmt: skip
    db.session.flush()
    services.recompute_statuses([agent.id])
    db.session.commit()
    assert _stored([agent.id]) == _full_recompute([agent.id])
    # three answers judged restate met; the manager took it from one of them
    assert _stored([agent.id])[(agent.id, "STD-03")][1:] == (pytest.approx(2 / 3), 3)


def test_many_role_plays_judged_alike_and_weighted_as_standards_yaml_says_give_the_same_statuses(
    team, roleplay, synced
):
    # The recompute counts answers that judged alike together (one row per agent and summary):
    # forty role-plays of four kinds, weighted 0.3 against an observation's 2.
    text = STANDARDS.format(version="2026.2", published="2026-02-01").replace(
        "window_days: 30\n", "window_days: 30\nevidence_weights: {roleplay: 0.3, observation: 2}\n"
    )
    write(synced, "standards/standards.yaml", text)
    sync_content(synced)
    db.session.commit()
    agent, manager = team["agents"][0], team["manager"]
    for n in range(40):
        roleplay(agent, NOW - timedelta(hours=7 * n), criteria={"restate": n % 5 != 0},
                 violations={"policy_speak": n % 7 == 3})  # fmt: skip
    ratings = {"STD-03": ("not_met", ""), "STD-07": ("met", "")}
    record_observation(manager, agent, ObservationInput(NOW.date(), "phone", "call 1", ratings))
    services.recompute_statuses([agent.id])
    db.session.commit()
    stored, full = _stored([agent.id]), _full_recompute([agent.id])
    assert stored.keys() == full.keys()
    for key, (status, score, count) in full.items():
        assert stored[key][0::2] == (status, count)
        assert stored[key][1] == pytest.approx(score, abs=1e-12)
    # restate met in 32 of 40 role-plays (0.3 each), the observation not met (2): 9.6 / 14
    assert stored[(agent.id, "STD-03")][1:] == (pytest.approx(9.6 / 14), 41)
