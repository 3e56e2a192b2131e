"""What a company's LRS receives: a course completion, a quiz result with score and success,
a certificate earned, each once, as well-formed xAPI 1.0.3 statements; nothing when xAPI is
not configured."""

from sqlalchemy import func, select

from app.certification.models import Certificate
from app.extensions import db
from app.xapi.models import XapiStatement
from tests.certification.helpers import read_lessons
from tests.xapi.conftest import BASE_URL, send
from tests.xapi.lrs import RecordStore, RunningStore

ADL = "http://adlnet.gov/expapi/verbs/"


def _verbs(store):
    return sorted(s["verb"]["id"].rsplit("/", 1)[1] for s in store.statements.values())


def test_completions_result_and_certificate_reach_the_lrs_once(
    lrs, learning, make_user, login, take_quiz, runner
):
    agent = make_user("agent", locale="ar")
    login(agent)
    read_lessons(agent, "basics")
    take_quiz(right=True)  # the last requirement of basics
    read_lessons(agent, "talking")  # completes talking, and with it the "starter" certificate

    assert send(runner).strip() == "sent=4 retrying=0 failed=0 resent=0"
    assert lrs.problems == []
    assert _verbs(lrs) == ["completed", "completed", "earned", "passed"]
    for statement in lrs.statements.values():
        assert statement["actor"]["mbox"] == f"mailto:{agent.email}"
        assert statement["actor"]["name"] == agent.name_ar
        assert statement["context"]["language"] == "ar"

    [passed] = lrs.by_verb("passed")
    assert passed["verb"] == {"id": ADL + "passed", "display": {"en-US": "passed"}}
    assert passed["object"]["id"] == f"{BASE_URL}/quizzes/basics-quiz"
    assert (
        passed["object"]["definition"]["type"] == "http://adlnet.gov/expapi/activities/assessment"
    )
    assert passed["result"]["score"] == {"scaled": 1.0, "raw": 100.0, "min": 0, "max": 100}
    assert (passed["result"]["success"], passed["result"]["completion"]) == (True, True)
    [parent] = passed["context"]["contextActivities"]["parent"]
    assert parent["id"] == f"{BASE_URL}/courses/basics"
    assert passed["timestamp"] == "2026-03-01T06:00:00.000Z"

    completed = sorted(s["object"]["id"] for s in lrs.by_verb("completed"))
    assert completed == [f"{BASE_URL}/courses/basics", f"{BASE_URL}/courses/talking"]
    assert all(s["result"] == {"completion": True} for s in lrs.by_verb("completed"))

    [earned] = lrs.by_verb("earned")
    certificate = db.session.scalar(select(Certificate))
    assert earned["verb"]["id"] == "http://id.tincanapi.com/verb/earned"
    assert earned["object"]["id"] == f"{BASE_URL}/certifications/starter"
    assert earned["object"]["definition"]["name"] == {"ar": "شهادة المبتدئ", "en": "Starter"}
    extensions = earned["result"]["extensions"]
    assert extensions[f"{BASE_URL}/xapi/extensions/expires-on"] == "2027-03-01"
    assert extensions[f"{BASE_URL}/xapi/extensions/verification"] == (
        f"{BASE_URL}/verify/{certificate.code}"
    )

    assert send(runner).strip() == "sent=0 retrying=0 failed=0 resent=0"
    assert len(lrs.log) == 4


def test_a_failed_quiz_is_reported_as_failed_with_its_score(
    lrs, learning, make_user, login, take_quiz, runner
):
    login(make_user("agent"))
    take_quiz(right=False)
    send(runner)
    [failed] = lrs.statements.values()
    assert failed["verb"]["id"] == ADL + "failed"
    assert failed["result"]["score"]["scaled"] == 0.0
    assert (failed["result"]["success"], failed["result"]["completion"]) == (False, True)


def test_the_same_form_sent_twice_makes_one_statement(
    lrs, learning, make_user, login, take_quiz, runner
):
    login(make_user("agent"))
    token = take_quiz(right=True)
    take_quiz(right=True, token=token)  # a double click: the attempt is recorded once
    assert db.session.scalar(select(func.count()).where(XapiStatement.verb == "passed")) == 1


def test_nothing_is_queued_or_sent_without_an_lrs(
    app, learning, make_user, login, take_quiz, runner
):
    store = RecordStore("k", "s", BASE_URL)
    with RunningStore(store):  # running, but Khidma is not told about it
        agent = make_user("agent")
        login(agent)
        read_lessons(agent, "basics")
        take_quiz(right=True)
        read_lessons(agent, "talking")
        assert db.session.scalar(select(func.count(Certificate.id))) == 1
        assert db.session.scalar(select(func.count(XapiStatement.id))) == 0
        result = runner.invoke(args=["xapi", "send"])
        assert "xAPI is not configured (XAPI_ENDPOINT is not set): nothing sent" in result.output
    assert store.log == []


def test_a_misconfigured_endpoint_is_named(app, runner, monkeypatch):
    monkeypatch.setitem(app.config, "XAPI_ENDPOINT", "file:///etc/passwd")
    result = runner.invoke(args=["xapi", "send"])
    assert "XAPI_ENDPOINT must be an http or https URL, not 'file:///etc/passwd'" in result.output
    monkeypatch.setitem(app.config, "XAPI_ENDPOINT", "https://lrs.example.com/xapi/")
    monkeypatch.setitem(app.config, "XAPI_SECRET", None)
    result = runner.invoke(args=["xapi", "send"])
    assert "XAPI_KEY and XAPI_SECRET must be set with XAPI_ENDPOINT" in result.output
