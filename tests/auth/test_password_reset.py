"""Forgot password: a link by e-mail that works once, within an hour, and ends every other
session; the request page gives one answer, after the same work, whether or not the address
has an account; requests are throttled per address typed and per client."""

import re
from datetime import timedelta

from sqlalchemy import func, select

from app.auth.models import ResetRequest
from app.extensions import db
from app.notifications.models import Notification
from tests.auth.conftest import NOW, body, link_path
from tests.conftest import PASSWORD
from tests.query_counter import count_queries

NEW_PASSWORD = "a-tide-of-lanterns-42"


def _ask(client, email: str, address: str = "127.0.0.1"):
    return client.post(
        "/account/forgot", data={"email": email}, environ_base={"REMOTE_ADDR": address}
    )


def _reset(client, path: str, password: str = NEW_PASSWORD):
    return client.post(path, data={"new": password, "confirm": password})


def test_a_reset_link_sets_a_new_password_and_ends_every_other_session(app, make_user, mailbox):
    person = make_user("agent", locale="en")
    elsewhere = app.test_client()
    elsewhere.post("/login", data={"email": person.email, "password": PASSWORD})
    assert elsewhere.get("/").status_code == 200

    here = app.test_client()
    assert _ask(here, person.email.upper()).status_code == 200  # any case of the address
    message = mailbox.one_for(person.email)
    assert message["Subject"] == "Khidma: Choose a new password"
    assert "To choose a new Khidma password" in body(message)
    assert "within 60 minutes" in body(message)
    path = link_path(message)
    assert path.startswith("/account/reset/")
    assert here.get(path).status_code == 200
    done = _reset(here, path)
    assert done.status_code == 302 and done.headers["Location"] == "/"

    assert here.get("/").status_code == 200  # signed in by the link, on this browser only
    assert elsewhere.get("/").status_code == 302  # the other session has ended
    check = app.test_client()
    assert (
        check.post("/login", data={"email": person.email, "password": PASSWORD}).status_code == 200
    )
    assert (
        check.post("/login", data={"email": person.email, "password": NEW_PASSWORD}).status_code
        == 302
    )


def test_the_link_is_in_the_persons_language(app, make_user, mailbox):
    person = make_user("agent", locale="ar")
    _ask(app.test_client(), person.email)
    message = mailbox.one_for(person.email)
    assert message["Subject"] == "خدمة: اختر كلمة مرور جديدة"
    assert "لاختيار كلمة مرور جديدة في خدمة" in body(message)


def _without_tokens(html: str) -> str:
    return re.sub(r'name="csrf_token" [^>]*value="[^"]*"', "", html)


def test_known_and_unknown_addresses_get_the_same_answer(app, make_user, mailbox):
    person = make_user("agent")
    inactive = make_user("agent", active=False)
    answers = [
        _ask(app.test_client(), email)
        for email in (person.email, "nobody@khidma.example", inactive.email)
    ]
    assert {a.status_code for a in answers} == {200}
    pages = {_without_tokens(a.get_data(as_text=True)) for a in answers}
    assert len(pages) == 1
    assert 'id="reset-requested"' in pages.pop()
    assert [m["To"].split("<")[1].rstrip(">") for m in mailbox.deliver()] == [person.email]


def test_known_and_unknown_addresses_cost_the_same_work(app, make_user, mailbox):
    """What the request does cannot depend on the address having an account: the same SQL
    statements are sent for a person, an unknown address and a deactivated account, and nothing
    about the account (link, e-mail) is made while the visitor waits."""
    person = make_user("agent")
    inactive = make_user("agent", active=False)
    client = app.test_client()
    _ask(client, "warm-up@khidma.example")  # first-request work (templates, connections)
    sent = {}
    for email in (person.email, "nobody@khidma.example", inactive.email):
        with count_queries(db.engine) as counter:
            assert _ask(client, email).status_code == 200
        sent[email] = counter.statements
    assert sent[person.email] == sent["nobody@khidma.example"] == sent[inactive.email]
    assert not any(re.search(r'\bFROM "?user"?\b', sql) for sql in sent[person.email])
    assert db.session.scalar(select(func.count(Notification.id))) == 0
    assert db.session.scalar(select(func.count(ResetRequest.id))) == 4


def test_a_reset_link_works_once(app, make_user, mailbox):
    person = make_user("agent")
    _ask(app.test_client(), person.email)
    path = link_path(mailbox.one_for(person.email))
    assert _reset(app.test_client(), path).status_code == 302
    again = app.test_client()
    assert again.get(path).status_code == 410
    assert _reset(again, path, "yet-another-phrase-99").status_code == 410
    check = app.test_client()
    assert (
        check.post("/login", data={"email": person.email, "password": NEW_PASSWORD}).status_code
        == 302
    )


def test_a_reset_link_expires_after_an_hour(app, make_user, mailbox):
    person = make_user("agent")
    _ask(app.test_client(), person.email)
    path = link_path(mailbox.one_for(person.email))
    visitor = app.test_client()
    app.config["FIXED_NOW"] = NOW + timedelta(minutes=59)
    assert visitor.get(path).status_code == 200
    app.config["FIXED_NOW"] = NOW + timedelta(minutes=61)
    assert visitor.get(path).status_code == 410
    assert _reset(visitor, path).status_code == 410
    assert 'id="link-invalid"' in visitor.get(path).get_data(as_text=True)


def test_a_newer_link_replaces_the_earlier_one(app, make_user, mailbox):
    person = make_user("agent")
    _ask(app.test_client(), person.email)
    first = link_path(mailbox.one_for(person.email))
    _ask(app.test_client(), person.email)
    second = link_path(mailbox.one_for(person.email))
    assert app.test_client().get(first).status_code == 410
    assert _reset(app.test_client(), second).status_code == 302


def test_a_new_password_chosen_otherwise_spends_the_link(app, client, make_user, login, mailbox):
    person = make_user("agent")
    _ask(app.test_client(), person.email)
    path = link_path(mailbox.one_for(person.email))
    login(person)
    changed = client.post(
        "/account/password",
        data={"current": PASSWORD, "new": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert changed.status_code == 302
    assert app.test_client().get(path).status_code == 410


def test_requests_are_throttled_per_address_typed(app, make_user, mailbox):
    person = make_user("agent")
    for n in range(3):  # RESET_LIMIT_PER_ACCOUNT: 3 per hour, from anywhere
        assert _ask(app.test_client(), person.email, f"10.0.0.{n + 1}").status_code == 200
        assert len(mailbox.deliver()) == 1
    assert _ask(app.test_client(), person.email, "10.0.0.9").status_code == 429
    assert mailbox.deliver() == []
    assert _ask(app.test_client(), "nobody@khidma.example", "10.0.0.9").status_code == 200
    for _ in range(3):
        _ask(app.test_client(), "nobody@khidma.example", "10.0.0.10")
    # An address without an account is throttled alike: the 429 tells nothing either.
    assert _ask(app.test_client(), "nobody@khidma.example", "10.0.0.11").status_code == 429


def test_requests_are_throttled_per_client(app, make_user, mailbox):
    people = [make_user("agent") for _ in range(11)]
    for person in people[:10]:  # RESET_LIMIT_PER_ADDRESS: 10 per hour
        assert _ask(app.test_client(), person.email, "10.0.1.1").status_code == 200
    assert _ask(app.test_client(), people[10].email, "10.0.1.1").status_code == 429
    assert _ask(app.test_client(), people[10].email, "10.0.1.2").status_code == 200


def test_mail_goes_only_to_an_active_account_and_requests_are_not_kept(app, make_user, mailbox):
    inactive = make_user("agent", active=False)
    _ask(app.test_client(), inactive.email)
    _ask(app.test_client(), "nobody@khidma.example")
    assert db.session.scalar(select(func.count(ResetRequest.id))) == 2
    assert mailbox.deliver() == []
    assert db.session.scalar(select(func.count(Notification.id))) == 0
    assert db.session.scalar(select(func.count(ResetRequest.id))) == 0  # typed addresses gone


def test_a_request_left_waiting_past_a_links_lifetime_sends_nothing(app, make_user, mailbox):
    person = make_user("agent")
    _ask(app.test_client(), person.email)
    app.config["FIXED_NOW"] = NOW + timedelta(minutes=61)  # the sender did not run for an hour
    assert mailbox.deliver() == []


def test_several_requests_before_a_run_send_one_link(app, make_user, mailbox):
    person = make_user("agent")
    for _ in range(3):
        _ask(app.test_client(), person.email)
    assert _reset(app.test_client(), link_path(mailbox.one_for(person.email))).status_code == 302


def test_sign_in_page_offers_the_reset_when_mail_is_set_up(app, client, mailbox, monkeypatch):
    assert "/account/forgot" in client.get("/login").get_data(as_text=True)
    monkeypatch.setitem(app.config, "MAIL_SERVER", None)
    assert "/account/forgot" not in client.get("/login").get_data(as_text=True)
