"""API tokens made as an administrator makes them, and a client that sends one."""

from __future__ import annotations

import pytest

from app.api import tokens
from app.api.tokens import SCOPES
from app.extensions import db

ALL_SCOPES = sorted(SCOPES)


@pytest.fixture
def token_admin(make_user):
    return make_user("admin", name_en="Token Maker")


@pytest.fixture
def make_token(token_admin):
    """A token's secret, for the given scopes (all by default)."""

    def make(*scopes: str, name: str = "HR system", actor=None) -> str:
        _token, secret = tokens.create_token(name, list(scopes or ALL_SCOPES),
                                             actor=actor or token_admin)  # fmt: skip
        db.session.commit()
        return secret

    return make


@pytest.fixture
def api(client):
    """Calls the API with a token: api("GET", "/api/v1/...", secret, json=...)."""

    def call(method: str, url: str, secret: str | None, **kwargs):
        headers = kwargs.pop("headers", {})
        if secret is not None:
            headers["Authorization"] = f"Bearer {secret}"
        return client.open(url, method=method, headers=headers, **kwargs)

    return call
