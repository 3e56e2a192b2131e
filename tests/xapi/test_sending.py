"""`flask xapi send` delivers each statement once: failures are tried again later, waiting
longer each time; an unreachable LRS stops the run; a refusal is final until queued again; a
sender that died after the LRS took a statement leaves it to be resent with the same id."""

import socket
from datetime import timedelta

import pytest
from sqlalchemy import select

from app import clock
from app.extensions import db
from app.xapi import sender
from app.xapi.models import XapiStatement
from tests.xapi.conftest import send


def _rows():
    db.session.expire_all()
    return db.session.scalars(select(XapiStatement).order_by(XapiStatement.id)).all()


def _later(app, monkeypatch, **delta):
    monkeypatch.setitem(app.config, "FIXED_NOW", clock.now() + timedelta(**delta))


@pytest.fixture
def one_result(lrs, learning, make_user, login, take_quiz):
    """One quiz result waiting in the outbox."""
    login(make_user("agent"))
    take_quiz(right=False)
    [row] = _rows()
    return row


def test_failures_are_retried_with_backoff_and_the_statement_lands_once(
    one_result, lrs, app, runner, monkeypatch
):
    lrs.fail_next = 2
    assert "sent=0 retrying=1" in send(runner)
    [row] = _rows()
    assert (row.status, row.attempts, row.last_error) == ("pending", 1, "HTTP 503: try again later")
    assert row.next_attempt_at == clock.now() + timedelta(minutes=1)
    assert "sent=0 retrying=0" in send(runner)  # not yet: it waits a minute
    _later(app, monkeypatch, minutes=1)
    assert "sent=0 retrying=1" in send(runner)
    assert _rows()[0].next_attempt_at == clock.now() + timedelta(minutes=2)
    _later(app, monkeypatch, minutes=1)
    assert "sent=0 retrying=0" in send(runner)  # twice as long this time
    _later(app, monkeypatch, minutes=1)
    assert "sent=1 retrying=0" in send(runner)
    _later(app, monkeypatch, hours=1)
    assert "sent=0 retrying=0" in send(runner)
    [row] = _rows()
    assert (row.status, row.attempts, row.sent_at) == ("sent", 3, clock.now() - timedelta(hours=1))
    assert [status for _, status in lrs.log] == [503, 503, 204]
    assert list(lrs.statements) == [row.statement_id]


def test_waits_grow_to_six_hours_and_stop_after_the_last_try():
    waits = [sender.retry_delay(n) for n in range(1, sender.MAX_ATTEMPTS + 1)]
    assert waits[:4] == [timedelta(minutes=m) for m in (1, 2, 4, 8)]
    assert max(waits) == timedelta(hours=6)


def test_out_of_tries_the_statement_is_failed(one_result, lrs, app, runner, monkeypatch):
    lrs.fail_next = sender.MAX_ATTEMPTS
    for _ in range(sender.MAX_ATTEMPTS):
        send(runner)
        _later(app, monkeypatch, hours=6)
    [row] = _rows()
    assert (row.status, row.attempts) == ("failed", sender.MAX_ATTEMPTS)
    assert lrs.statements == {}


def test_an_unreachable_lrs_stops_the_run_and_the_rest_waits(
    one_result, lrs, app, runner, monkeypatch, take_quiz
):
    _later(app, monkeypatch, minutes=6)  # the quiz asks for 5 minutes between tries
    take_quiz(right=True)  # a second statement (and the course's completion) behind the first
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{probe.getsockname()[1]}/xapi/"
    real = app.config["XAPI_ENDPOINT"]
    monkeypatch.setitem(app.config, "XAPI_ENDPOINT", closed)
    result = runner.invoke(args=["xapi", "send"])
    assert "sent=0 retrying=1" in result.output
    assert "stopped: the LRS could not be reached" in result.output
    first, second = _rows()
    assert (first.status, first.attempts) == ("pending", 1)
    assert first.last_error.startswith("LRS unreachable")
    assert (second.status, second.attempts) == ("pending", 0)  # not tried
    monkeypatch.setitem(app.config, "XAPI_ENDPOINT", real)
    _later(app, monkeypatch, minutes=1)
    assert "sent=" in send(runner)
    assert [row.status for row in _rows()] == ["sent"] * len(_rows())
    assert len(lrs.statements) == len(_rows())


def test_a_refusal_is_final_until_queued_again(one_result, lrs, app, runner, monkeypatch):
    lrs.refuse_all = True
    assert "failed=1" in send(runner)
    _later(app, monkeypatch, days=1)
    assert "sent=0 retrying=0 failed=0" in send(runner)
    [row] = _rows()
    assert row.status == "failed"
    assert row.last_error == "HTTP 400: this LRS refuses everything today"
    assert runner.invoke(args=["xapi", "status"]).output.strip() == (
        "pending=0 sending=0 sent=0 failed=1"
    )
    lrs.refuse_all = False
    assert runner.invoke(args=["xapi", "retry-failed"]).output.strip() == "queued again: 1"
    assert "sent=1" in send(runner)
    assert len(lrs.statements) == 1


def test_wrong_credentials_are_retried_not_dropped(one_result, lrs, app, runner, monkeypatch):
    monkeypatch.setitem(app.config, "XAPI_SECRET", "not-the-secret")
    assert "retrying=1" in send(runner)
    assert _rows()[0].last_error == "HTTP 401: bad credentials"
    monkeypatch.setitem(app.config, "XAPI_SECRET", "khidma-secret")
    _later(app, monkeypatch, minutes=1)
    assert "sent=1" in send(runner)


def test_a_sender_that_died_after_delivery_resends_the_same_statement_once_stored(
    one_result, lrs, app, runner, monkeypatch
):
    real_finish = sender._finish

    def die_before_marking(*args, **values):
        raise KeyboardInterrupt  # the process is stopped after the LRS took the statement

    monkeypatch.setattr(sender, "_finish", die_before_marking)
    with pytest.raises(KeyboardInterrupt):
        sender.send_pending()
    monkeypatch.setattr(sender, "_finish", real_finish)
    [row] = _rows()
    assert row.status == "sending"
    assert len(lrs.statements) == 1
    assert "sent=0" in send(runner)  # the claim still holds
    _later(app, monkeypatch, minutes=11)
    assert send(runner).strip() == "sent=1 retrying=0 failed=0 resent=1"
    assert [status for _, status in lrs.log] == [204, 204]
    assert {statement_id for statement_id, _ in lrs.log} == {row.statement_id}
    assert len(lrs.statements) == 1
    assert _rows()[0].status == "sent"
