"""Single sign-on with the company's OpenID Connect provider, through Authlib's Flask client.

The provider is found from OIDC_ISSUER by discovery (/.well-known/openid-configuration). Sign-in
is the authorization code flow with PKCE, a state and a nonce. Authlib checks the ID token's
signature against the provider's published keys, its expiry and its nonce; the issuer and the
audience are checked against what this installation expects (Authlib alone accepts an ID token
made for another client when its `azp` names ours).

People are matched by e-mail to existing active accounts. Only with OIDC_CREATE_ACCOUNTS does an
unknown address get an account, and then with the agent role. With OIDC_ONLY, people other than
admins cannot sign in with a password.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

import requests
from authlib.integrations.base_client.errors import MismatchingStateError
from authlib.integrations.flask_client import OAuth, OAuthError
from flask import Flask, current_app, session, url_for
from flask_babel import lazy_gettext as _l
from joserfc.errors import JoseError
from sqlalchemy import func, select

from app import clock
from app.audit import services as audit
from app.extensions import db
from app.people import services as people
from app.people.models import Role, User

CLIENT_NAME = "oidc"
EXTENSION = "khidma.oidc"
NEXT_KEY = "oidc_next"
SCOPE = "openid email profile"
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}
ARABIC = re.compile(r"[\u0600-\u06ff]")


class SsoError(Exception):
    """A refused single sign-on: `message` for the person, `reason` for the log and audit."""

    def __init__(self, message, reason: str):
        super().__init__(reason)
        self.message = message
        self.reason = reason


@dataclass(frozen=True)
class Identity:
    """What the provider vouched for in a verified ID token."""

    issuer: str
    subject: str
    email: str
    email_verified: bool | None
    name: str
    locale: str


def init_app(app: Flask) -> None:
    """Register the provider when OIDC_ISSUER is set; refuse to start on a half configuration."""
    issuer = app.config.get("OIDC_ISSUER", "").strip().rstrip("/")
    if not issuer:
        if app.config.get("OIDC_ONLY"):
            raise RuntimeError(
                "OIDC_ONLY is on but OIDC_ISSUER is not set: only admins could sign in"
            )
        return
    missing = [name for name in ("OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET") if not app.config[name]]
    if missing:
        raise RuntimeError(f"OIDC_ISSUER is set but {' and '.join(missing)} is not")
    parts = urlsplit(issuer)
    if parts.scheme != "https" and not (parts.scheme == "http" and parts.hostname in LOCAL_HOSTS):
        raise RuntimeError(f"OIDC_ISSUER must be an https:// address, not {issuer!r}")
    # Authlib's registry belongs to one app, so each app gets its own.
    client = OAuth(app).register(
        CLIENT_NAME,
        client_id=app.config["OIDC_CLIENT_ID"],
        client_secret=app.config["OIDC_CLIENT_SECRET"],
        server_metadata_url=f"{issuer}/.well-known/openid-configuration",
        client_kwargs={
            "scope": SCOPE,
            "code_challenge_method": "S256",
            "default_timeout": app.config.get("OIDC_TIMEOUT_SECONDS", 10),
        },
    )
    app.extensions[EXTENSION] = client


def configured() -> bool:
    return EXTENSION in current_app.extensions


def provider_name() -> str:
    return current_app.config.get("OIDC_PROVIDER_NAME") or _l("your company account")


def password_sign_in_allowed(user: User) -> bool:
    """With OIDC_ONLY, only admins keep the password (a way in when the provider is down)."""
    if configured() and current_app.config.get("OIDC_ONLY"):
        return user.role == Role.ADMIN
    return True


def redirect_uri() -> str:
    """The address the provider sends people back to; it must be registered there as is."""
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/") + url_for("auth.oidc_callback")


def _client():
    return current_app.extensions[EXTENSION]


def _unreachable(exc: Exception) -> SsoError:
    return SsoError(
        _l("The sign-in service could not be reached. Try again in a moment."),
        reason=f"provider unreachable: {exc}",
    )


def _metadata() -> dict:
    """The provider's discovery document, checked to be the configured issuer's own."""
    try:
        metadata = _client().load_server_metadata()
    except (requests.RequestException, ValueError) as exc:
        raise _unreachable(exc) from exc
    expected = current_app.config["OIDC_ISSUER"].strip().rstrip("/")
    if str(metadata.get("issuer", "")).rstrip("/") != expected:
        raise SsoError(
            _l("Single sign-on is not set up correctly. Tell your administrator."),
            reason=f"discovery names issuer {metadata.get('issuer')!r}, expected {expected!r}",
        )
    return metadata


def start_sign_in(next_path: str | None):
    """The redirect to the provider's sign-in page (state, nonce and PKCE kept in the session)."""
    _metadata()
    session.pop(NEXT_KEY, None)
    if next_path:
        session[NEXT_KEY] = next_path
    try:
        return _client().authorize_redirect(redirect_uri())
    except requests.RequestException as exc:
        raise _unreachable(exc) from exc


def finish_sign_in() -> Identity:
    """Exchange the code the provider sent back for a verified identity, or raise SsoError."""
    metadata = _metadata()
    claims_options = {
        "iss": {"essential": True, "value": metadata["issuer"]},
        "aud": {"essential": True, "values": [current_app.config["OIDC_CLIENT_ID"]]},
    }
    try:
        token = _client().authorize_access_token(claims_options=claims_options)
    except MismatchingStateError as exc:
        raise SsoError(
            _l("This sign-in was not started here or has expired. Please start again."),
            reason="state does not match a sign-in started in this browser",
        ) from exc
    except OAuthError as exc:
        raise SsoError(
            _l("The sign-in service refused the sign-in. Please start again."),
            reason=f"provider answered {exc.error}: {exc.description}",
        ) from exc
    except JoseError as exc:
        raise _untrusted(f"ID token rejected: {type(exc).__name__}: {exc}") from exc
    except requests.RequestException as exc:
        raise _unreachable(exc) from exc
    claims = token.get("userinfo")
    if not claims:
        raise _untrusted("the token response has no ID token")
    return Identity(
        issuer=claims["iss"],
        subject=claims["sub"],
        email=str(claims.get("email") or "").strip().lower(),
        email_verified=claims.get("email_verified"),
        name=str(claims.get("name") or "").strip(),
        locale=str(claims.get("locale") or "")[:2].lower(),
    )


def _untrusted(reason: str) -> SsoError:
    return SsoError(
        _l("The answer of the sign-in service could not be verified. Please start again."),
        reason=reason,
    )


def account_for(identity: Identity) -> User:
    """The active account the identity signs in to (created as an agent when allowed). A refusal
    is audited too; the caller commits either way."""
    if not identity.email or identity.email_verified is False:
        raise SsoError(
            _l("The sign-in service did not give a verified e-mail address for you."),
            reason="no verified e-mail in the ID token",
        )
    user = db.session.scalar(select(User).where(func.lower(User.email) == identity.email))
    created = False
    if user is None and current_app.config.get("OIDC_CREATE_ACCOUNTS"):
        user, created = _create_agent(identity), True
    if user is None or not user.active:
        reason = "no account has this e-mail" if user is None else "the account is deactivated"
        audit.record(
            "sso_sign_in_refused", "user", user.id if user else "", after=_who(identity),
            reason=reason,
        )  # fmt: skip
        raise SsoError(
            _l(
                "No active Khidma account uses the e-mail address %(email)s. "
                "Ask your administrator to add you.",
                email=identity.email,
            ),
            reason=reason,
        )
    audit.record(
        "sso_sign_in", "user", user.id, actor=user, after=_who(identity),
        reason="account created at first sign-in" if created else None,
    )  # fmt: skip
    return user


def _who(identity: Identity) -> dict:
    return {"email": identity.email, "issuer": identity.issuer, "subject": identity.subject}


def _create_agent(identity: Identity) -> User:
    digest = hashlib.sha256(f"{identity.issuer} {identity.subject}".encode()).hexdigest()
    name = identity.name or identity.email.partition("@")[0]
    locale = identity.locale
    if locale not in current_app.config["LANGUAGES"]:
        locale = current_app.config["BABEL_DEFAULT_LOCALE"]
    values = {
        "employee_no": f"SSO-{digest[:16].upper()}",
        "email": identity.email,
        "name_ar": name if ARABIC.search(name) else "",
        "name_en": "" if ARABIC.search(name) else name,
        "role": Role.AGENT.value,
        "hire_date": clock.today(),
        "locale": locale,
    }
    return people.create_person(values, actor=None)


def take_next() -> str | None:
    return session.pop(NEXT_KEY, None)
