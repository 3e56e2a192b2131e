"""Sign-in takes as long for an unknown e-mail as for a known one with a wrong password, so the
time of an answer does not tell an attacker which e-mails have accounts.

Measured with the production hashing method (the suite's own is cheap): the two paths differ by
that method's full cost when they differ at all, far beyond the noise of a busy machine.
"""

import statistics
import time

import pytest

from app import create_app
from app.extensions import db
from config import Config
from tests.conftest import IsolatedClient, make_config

TRIES = 7


@pytest.fixture
def production_hashing(database_url, app):
    timed = create_app(
        make_config(
            database_url,
            PASSWORD_HASH_METHOD=Config.PASSWORD_HASH_METHOD,
            # Many wrong passwords are tried here on purpose; throttling is not what is measured.
            LOGIN_LIMIT_PER_ACCOUNT="1000 per minute",
            LOGIN_LIMIT_PER_ADDRESS="1000 per minute",
        )
    )
    timed.test_client_class = IsolatedClient
    with timed.app_context():
        yield timed
        db.session.remove()
        db.engine.dispose()


def _seconds(client, email: str) -> float:
    start = time.perf_counter()
    response = client.post("/login", data={"email": email, "password": "wrong-password-1"})
    elapsed = time.perf_counter() - start
    assert response.status_code == 200  # refused, with the form again
    return elapsed


def test_unknown_email_costs_as_much_as_a_wrong_password(production_hashing, make_user):
    user = make_user("agent")  # hashed with the production method inside this app
    assert user.password_hash.startswith(Config.PASSWORD_HASH_METHOD)
    client = production_hashing.test_client()
    _seconds(client, user.email)  # first requests warm up templates and connections
    known, unknown = [], []
    for _ in range(TRIES):  # interleaved, so a busy moment slows both paths alike
        known.append(_seconds(client, user.email))
        unknown.append(_seconds(client, "nobody-here@khidma.example"))
    ratio = statistics.median(unknown) / statistics.median(known)
    assert 0.5 < ratio < 2, f"unknown/known sign-in time ratio {ratio:.3f}"
