"""A small OpenID Connect provider for tests, served on 127.0.0.1 by werkzeug in a thread.

It answers the authorization code flow as a real provider does: a discovery document, its
published keys (JWKS), an authorize endpoint and a token endpoint that returns an RS256 ID token.
The authorize endpoint signs in `provider.person` without a form (the test decides who is at the
keyboard); the token endpoint checks the client's secret (client_secret_basic), that the code is
single-use and was given to this client for this redirect URI, and the PKCE verifier (S256).
`provider.fault` makes it answer as a misconfigured or hostile provider would.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlencode

from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey
from werkzeug.exceptions import HTTPException, NotFound
from werkzeug.routing import Map, Rule
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

KEY_ID = "provider-key-1"
FAULTS = {
    None,
    "audience",  # the ID token was made for another client
    "audience-with-azp",  # ... and names this client as the authorised party
    "expired",  # the ID token expired an hour ago
    "signature",  # signed with a key that is not the one published under its key id
    "nonce",  # the nonce is not the one the client sent
    "issuer",  # the ID token names another issuer
}


@dataclass
class Person:
    email: str
    name: str = "Test Person"
    email_verified: bool | None = True
    locale: str | None = None
    subject: str = field(default_factory=lambda: secrets.token_hex(8))


class OidcProvider:
    def __init__(self, client_id: str, client_secret: str, redirect_uris: list[str]):
        self.client_id = client_id
        self.client_secret = client_secret
        self.redirect_uris = redirect_uris
        self.key = RSAKey.generate_key(2048, parameters={"kid": KEY_ID, "use": "sig"})
        self.impostor_key = RSAKey.generate_key(2048, parameters={"kid": KEY_ID, "use": "sig"})
        self.person: Person | None = None
        self.fault: str | None = None
        self.codes: dict[str, dict] = {}
        self.token_requests = 0
        self.url_map = Map(
            [
                Rule("/.well-known/openid-configuration", endpoint="discovery"),
                Rule("/jwks", endpoint="jwks"),
                Rule("/authorize", endpoint="authorize"),
                Rule("/token", endpoint="token", methods=["POST"]),
            ]
        )
        self._server = make_server("127.0.0.1", 0, self.wsgi, threaded=True)
        self.issuer = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self) -> OidcProvider:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._thread.join(timeout=5)

    def reset(self) -> None:
        self.person, self.fault, self.token_requests = None, None, 0
        self.codes.clear()

    # --- WSGI ---------------------------------------------------------------------------------

    def wsgi(self, environ, start_response):
        request = Request(environ)
        try:
            endpoint, _ = self.url_map.bind_to_environ(environ).match()
            response = getattr(self, f"_{endpoint}")(request)
        except NotFound as exc:
            response = exc.get_response()
        except HTTPException as exc:
            response = exc.get_response()
        return response(environ, start_response)

    def _discovery(self, request: Request) -> Response:
        return _json(
            {
                "issuer": self.issuer,
                "authorization_endpoint": f"{self.issuer}/authorize",
                "token_endpoint": f"{self.issuer}/token",
                "jwks_uri": f"{self.issuer}/jwks",
                "response_types_supported": ["code"],
                "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "scopes_supported": ["openid", "email", "profile"],
                "token_endpoint_auth_methods_supported": ["client_secret_basic"],
                "code_challenge_methods_supported": ["S256"],
                "claims_supported": ["sub", "email", "email_verified", "name", "locale"],
            }
        )

    def _jwks(self, request: Request) -> Response:
        return _json(KeySet([self.key]).as_dict(private=False))

    def _authorize(self, request: Request) -> Response:
        args = request.args
        if args.get("client_id") != self.client_id:
            return _json({"error": "unknown client"}, 400)
        redirect_uri = args.get("redirect_uri", "")
        if redirect_uri not in self.redirect_uris:
            # Never redirect to an address the client did not register.
            return _json({"error": f"redirect_uri {redirect_uri!r} is not registered"}, 400)
        state = args.get("state", "")

        def back(**params):
            return Response(status=302, headers={"Location": f"{redirect_uri}?{urlencode(params)}"})

        scopes = args.get("scope", "").split()
        if args.get("response_type") != "code" or "openid" not in scopes:
            return back(error="unsupported_response_type", state=state)
        if args.get("code_challenge_method") != "S256" or not args.get("code_challenge"):
            return back(error="invalid_request", error_description="PKCE is required", state=state)
        if self.person is None:
            return back(error="access_denied", state=state)
        code = secrets.token_urlsafe(24)
        self.codes[code] = {
            "redirect_uri": redirect_uri,
            "nonce": args.get("nonce"),
            "challenge": args["code_challenge"],
            "person": self.person,
            "scopes": scopes,
        }
        return back(code=code, state=state)

    def _token(self, request: Request) -> Response:
        self.token_requests += 1
        auth = request.authorization
        if auth is None or (auth.username, auth.password) != (self.client_id, self.client_secret):
            return _json({"error": "invalid_client"}, 401)
        form = request.form
        if form.get("grant_type") != "authorization_code":
            return _json({"error": "unsupported_grant_type"}, 400)
        grant = self.codes.pop(form.get("code", ""), None)
        if grant is None or grant["redirect_uri"] != form.get("redirect_uri"):
            return _json({"error": "invalid_grant"}, 400)
        verifier = form.get("code_verifier", "")
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
        if challenge.rstrip(b"=").decode() != grant["challenge"]:
            return _json({"error": "invalid_grant", "error_description": "PKCE check failed"}, 400)
        access_token = secrets.token_urlsafe(24)
        return _json(
            {
                "access_token": access_token,
                "token_type": "Bearer",
                "expires_in": 300,
                "id_token": self.id_token(grant),
            }
        )

    def id_token(self, grant: dict) -> str:
        person: Person = grant["person"]
        now = int(time.time())
        claims = {
            "iss": self.issuer,
            "sub": person.subject,
            "aud": self.client_id,
            "iat": now,
            "exp": now + 300,
            "auth_time": now,
            "nonce": grant["nonce"],
            "email": person.email,
            "name": person.name,
        }
        if person.email_verified is not None:
            claims["email_verified"] = person.email_verified
        if person.locale:
            claims["locale"] = person.locale
        key = self.key
        match self.fault:
            case "audience":
                claims["aud"] = "another-client"
            case "audience-with-azp":
                claims["aud"], claims["azp"] = "another-client", self.client_id
            case "expired":
                claims["iat"], claims["exp"] = now - 7200, now - 3600
            case "signature":
                key = self.impostor_key
            case "nonce":
                claims["nonce"] = secrets.token_urlsafe(16)
            case "issuer":
                claims["iss"] = "https://impostor.example"
        return jwt.encode({"alg": "RS256", "kid": KEY_ID}, claims, key)


def _json(data: dict, status: int = 200) -> Response:
    return Response(json.dumps(data), status=status, mimetype="application/json")
