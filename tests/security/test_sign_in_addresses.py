"""Sign-in throttling counts failures by the client's real address, and one attacker cannot lock
an account out for everyone.

Behind a proxy (PROXY_HOPS=1) the client's address is the one the proxy adds to
X-Forwarded-For; without a configured proxy that header is the client's own words and ignored.
"""

import pytest

from app import create_app
from app.extensions import db
from tests.conftest import PASSWORD, IsolatedClient, make_config

PROXY = "10.0.0.2"
ALICE, MALLORY = "198.51.100.7", "203.0.113.66"
ADDRESS_LIMIT = 20  # LOGIN_LIMIT_PER_ADDRESS: 20 per 15 minutes
ACCOUNT_LIMIT = 5  # LOGIN_LIMIT_PER_ACCOUNT: 5 per 15 minutes, for one account from one address


@pytest.fixture
def behind_proxy(database_url, app):
    proxied = create_app(make_config(database_url, PROXY_HOPS=1))
    proxied.test_client_class = IsolatedClient
    with proxied.app_context():
        yield proxied
        db.session.remove()
        db.engine.dispose()


def _via_proxy(client, client_address: str, email: str, password: str, forged: str = ""):
    """A sign-in as the proxy passes it on: it appends the address it saw to the header."""
    forwarded = f"{forged}, {client_address}" if forged else client_address
    return client.post(
        "/login",
        data={"email": email, "password": password},
        headers={"X-Forwarded-For": forwarded},
        environ_base={"REMOTE_ADDR": PROXY},
    )


def _direct(client, address: str, email: str, password: str, headers=None):
    return client.post(
        "/login",
        data={"email": email, "password": password},
        headers=headers or {},
        environ_base={"REMOTE_ADDR": address},
    )


def test_behind_the_proxy_failures_from_one_client_do_not_lock_another(behind_proxy, make_user):
    alice = make_user("agent")
    client = behind_proxy.test_client()
    for n in range(ADDRESS_LIMIT):
        _via_proxy(client, MALLORY, f"guess{n}@khidma.example", "wrong-password!")
    assert _via_proxy(client, MALLORY, alice.email, PASSWORD).status_code == 429
    assert _via_proxy(client, ALICE, alice.email, PASSWORD).status_code == 302


def test_behind_the_proxy_forged_addresses_do_not_escape_the_limit(behind_proxy, make_user):
    alice = make_user("agent")
    client = behind_proxy.test_client()
    for n in range(ADDRESS_LIMIT):
        _via_proxy(client, MALLORY, f"guess{n}@khidma.example", "wrong!", forged=f"192.0.2.{n}")
    blocked = _via_proxy(client, MALLORY, alice.email, PASSWORD, forged="192.0.2.200")
    assert blocked.status_code == 429


def test_without_a_trusted_proxy_a_forged_forwarded_header_is_ignored(client, make_user):
    alice = make_user("agent")
    for n in range(ADDRESS_LIMIT):
        forged = {"X-Forwarded-For": f"192.0.2.{n}"}
        _direct(client, MALLORY, f"guess{n}@khidma.example", "wrong-password!", forged)
    blocked = _direct(client, MALLORY, alice.email, PASSWORD, {"X-Forwarded-For": ALICE})
    assert blocked.status_code == 429
    assert _direct(client, ALICE, alice.email, PASSWORD).status_code == 302


def test_an_account_attacked_from_one_address_still_signs_in_from_another(client, make_user):
    admin = make_user("admin")
    for _ in range(ACCOUNT_LIMIT + 3):
        _direct(client, MALLORY, admin.email, "wrong-password!")
    assert _direct(client, MALLORY, admin.email, PASSWORD).status_code == 429
    assert _direct(client, ALICE, admin.email, PASSWORD).status_code == 302


def test_the_account_limit_still_holds_for_one_address(client, make_user):
    admin = make_user("admin")
    for _ in range(ACCOUNT_LIMIT):
        assert _direct(client, MALLORY, admin.email, "wrong-password!").status_code == 200
    assert _direct(client, MALLORY, admin.email, PASSWORD).status_code == 429


def test_a_malformed_proxy_count_stops_the_start_with_its_name(database_url):
    with pytest.raises(RuntimeError, match="PROXY_HOPS must be a whole number"):
        create_app(make_config(database_url, PROXY_HOPS="yes"))
