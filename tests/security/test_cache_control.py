"""Pages for a signed-in person are never stored by the browser or a proxy (the back button on a
shared computer would show them to the next person), except the pages about the reader's own
learning (app/security.py, REVALIDATED_PAGES): those the reader's own browser may keep, but must
ask about again before every showing (`private, no-cache` with an ETag), and signing out clears
them. Public pages and static files keep their own caching."""

import re

import pytest

from app.content.services import sync_content
from app.extensions import db
from app.people.models import ROLES
from app.security import REVALIDATED_PAGES
from tests.conftest import PASSWORD

INT_ARG = re.compile(r"<int(?:\([^)]*\))?:\w+>")
TEXT_VALUES = {
    "token": "no-such-token", "course_id": "basics", "slug": "first", "filename": "none.png",
    "quiz_id": "basics-quiz", "question_id": "q1", "code": "NONE-NONE-NONE",
}  # fmt: skip


def _path(rule) -> str:
    path = INT_ARG.sub("1", rule.rule)
    return re.sub(r"<(?:[^:>]+:)?(\w+)>", lambda m: TEXT_VALUES.get(m.group(1), "x"), path)


def _no_store(response) -> bool:
    return "no-store" in response.headers.get("Cache-Control", "")


def _revalidated(response) -> bool:
    """Kept by the reader's own browser only, and asked about again before every showing."""
    return response.headers.get("Cache-Control") == "private, no-cache" and bool(
        response.headers.get("ETag")
    )


@pytest.mark.parametrize("role", ROLES)
def test_every_page_for_a_signed_in_person_says_no_store(
    app, client, make_user, login, content_root, role
):
    sync_content(content_root)
    db.session.commit()
    login(make_user(role))
    rules = [r for r in app.url_map.iter_rules() if "GET" in r.methods and r.endpoint != "static"]
    assert len(rules) >= 30
    stored = []
    for rule in rules:
        response = client.get(_path(rule))
        if rule.endpoint in REVALIDATED_PAGES and response.status_code == 200:
            allowed = _revalidated(response)
        else:
            allowed = _no_store(response)
        if not allowed:
            stored.append(f"{rule.endpoint} {response.status_code}: {response.headers}")
    assert not stored, "\n".join(stored)


def test_only_pages_about_the_readers_own_learning_are_revalidated(
    client, make_user, login, content_root
):
    sync_content(content_root)
    db.session.commit()
    login(make_user("agent"))
    for url in ("/", "/courses", "/courses/basics", "/courses/basics/lessons/first"):
        first = client.get(url)
        assert first.status_code == 200 and _revalidated(first), url
        again = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
        assert again.status_code == 304 and _revalidated(again), url
    # a locked course is an answer about the course, not the page: never kept
    locked = client.get("/courses/talking")
    assert locked.status_code == 403 and _no_store(locked) and "ETag" not in locked.headers


def test_pages_about_other_people_stay_no_store_even_with_an_etag(client, make_user, login):
    login(make_user("hr"))
    report = client.get("/certification/report")
    assert report.status_code == 200 and _no_store(report)
    asked = client.get("/certification/report", headers={"If-None-Match": report.headers["ETag"]})
    assert asked.status_code == 304 and _no_store(asked)


def test_a_page_carrying_a_message_shown_once_is_never_kept(client, make_user, login):
    login(make_user("agent"))
    with client.session_transaction() as session:
        session["_flashes"] = [("success", "Saved just now")]
    page = client.get("/")
    assert page.status_code == 200 and "Saved just now" in page.get_data(as_text=True)
    assert _no_store(page) and "ETag" not in page.headers


def test_signing_out_clears_the_pages_the_browser_kept(client, make_user, login):
    login(make_user("agent"))
    assert _revalidated(client.get("/"))
    signed_out = client.post("/logout")
    assert signed_out.status_code == 302
    assert signed_out.headers["Clear-Site-Data"] == '"cache"'


def test_a_confirmed_page_keeps_its_cache_control(client, make_user, login):
    login(make_user("agent"))
    first = client.get("/")
    again = client.get("/", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and _revalidated(again)
    client.post("/logout")
    login(make_user("manager"))
    first = client.get("/team")
    again = client.get("/team", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and _no_store(again)


def test_the_sign_in_redirect_and_exports_say_no_store(client, make_user):
    hr = make_user("hr")
    response = client.post("/login", data={"email": hr.email, "password": PASSWORD})
    assert response.status_code == 302 and _no_store(response)
    for url in ("/reports/certification.csv", "/reports/certification.xlsx"):
        export = client.get(url)
        assert export.status_code == 200 and _no_store(export), url


def test_public_pages_and_static_files_keep_their_caching(client, make_user, login):
    for url in ("/login", "/health", "/verify/NONE-NONE-NONE"):
        assert not _no_store(client.get(url)), url
    login(make_user("agent"))
    static = client.get("/static/favicon.svg")
    assert static.status_code == 200 and not _no_store(static)
