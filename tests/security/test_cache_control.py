"""Pages for a signed-in person are never stored by the browser or a proxy (the back button on a
shared computer would show them to the next person); public pages and static files keep their
own caching."""

import re

import pytest

from app.content.services import sync_content
from app.extensions import db
from app.people.models import ROLES
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
        if not _no_store(response):
            stored.append(f"{rule.endpoint} {response.status_code}: {response.headers}")
    assert not stored, "\n".join(stored)


def test_a_kept_page_served_again_says_no_store(client, make_user, login):
    login(make_user("agent"))
    for _ in range(2):  # the second time from the kept pages
        response = client.get("/")
        assert response.status_code == 200 and _no_store(response)


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
