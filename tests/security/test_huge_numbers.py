"""Numbers in URLs past what the database holds are refused or ignored, never a server error.

Every route with a number in its path is found in the URL map and asked for ids far past any
row: it answers 404. Every page is asked with its number filters and page number set that high:
it answers as it does without them (the filter or page is ignored).
"""

import re

import pytest

from app.content.services import sync_content
from app.extensions import db
from app.people.models import ROLES
from tests.conftest import PASSWORD

HUGE = ("9223372036854775808", "99999999999999999999", "2147483648")  # 2**63, 10**20, 2**31
NUMBER_ARGS = ("page", "team", "department", "actor", "team_id", "department_id", "manager_id")
NOT_NUMBERS = ("-1", "²", "٣")  # negative; a digit int() refuses; a digit int() reads
INT_ARG = re.compile(r"<int(?:\([^)]*\))?:(\w+)>")
TEXT_VALUES = {
    "token": "no-such-token", "course_id": "basics", "slug": "first", "filename": "none.png",
    "quiz_id": "basics-quiz", "question_id": "q1", "code": "NONE-NONE-NONE",
}  # fmt: skip


@pytest.fixture
def people(app, make_user, make_team, content_root):
    """A signed-in client for each role, over content and a team so that pages have data."""
    sync_content(content_root)
    db.session.commit()
    users = {role: make_user(role) for role in ROLES}
    team = make_team(code="numbers", manager=users["manager"])
    make_user("agent", team=team)
    clients = {"anonymous": app.test_client()}
    for role, user in users.items():
        clients[role] = app.test_client()
        response = clients[role].post("/login", data={"email": user.email, "password": PASSWORD})
        assert response.status_code == 302
    return clients


def _roles(app, rule) -> list[str]:
    allowed = app.view_functions[rule.endpoint].allowed_roles
    return ["anonymous"] if allowed == "public" else sorted(allowed)


def _rules(app):
    rules = (r for r in app.url_map.iter_rules() if r.endpoint not in ("static", "auth.logout"))
    return sorted(rules, key=lambda rule: rule.rule)


def _request(client, rule, url):
    return client.get(url) if "GET" in rule.methods else client.post(url, data={})


def _path(rule, number: str) -> str:
    """The rule's path with `number` for every integer and known values for the rest."""
    path = INT_ARG.sub(number, rule.rule)
    return re.sub(r"<(?:[^:>]+:)?(\w+)>", lambda m: TEXT_VALUES.get(m.group(1), "x"), path)


def test_every_route_with_an_id_answers_404_to_ids_past_the_database(app, people):
    rules = [rule for rule in _rules(app) if INT_ARG.search(rule.rule)]
    assert len(rules) >= 15
    failures = []
    for rule in rules:
        for role in _roles(app, rule):
            for number in HUGE:
                url = _path(rule, number)
                status = _request(people[role], rule, url).status_code
                if status != 404:
                    failures.append(
                        f"{rule.methods - {'HEAD', 'OPTIONS'}} {url} as {role}: {status}"
                    )
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("number", HUGE + NOT_NUMBERS)
def test_number_filters_and_pages_past_the_database_are_ignored(app, people, number):
    query = "&".join(f"{name}={number}" for name in NUMBER_ARGS)
    failures = []
    for rule in _rules(app):
        if "GET" not in rule.methods or INT_ARG.search(rule.rule):
            continue
        for role in _roles(app, rule):
            url = _path(rule, "0")
            plain = people[role].get(url).status_code
            with_numbers = people[role].get(f"{url}?{query}").status_code
            if with_numbers != plain:
                failures.append(f"{url}?{query} as {role}: {with_numbers}, without: {plain}")
    assert not failures, "\n".join(failures)
