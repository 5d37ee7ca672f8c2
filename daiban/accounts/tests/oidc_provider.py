"""A small but real OpenID Connect provider on loopback, for the single sign-on tests.

It speaks the authorization code flow over HTTP as a provider does (discovery document, authorize
endpoint, token endpoint with the client's secret, JWKS) and signs ID tokens with RS256 using joserfc,
authlib's own JOSE library. It checks what a provider checks (client, redirect address, the PKCE
verifier against the challenge, a code used once and within CODE_SECONDS) and can be told to misbehave:
claims of the next ID token replaced (`tamper`), or the token signed with a key it does not publish
(`sign_with`). It ends its own session on the end-session endpoint (RP-initiated logout) when it publishes one.
"""
from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlencode, urlsplit

from joserfc import jwt
from joserfc.jwk import RSAKey

CODE_SECONDS = 60


def new_key(kid: str = "provider-key-1") -> RSAKey:
    return RSAKey.generate_key(2048, parameters={"kid": kid, "use": "sig", "alg": "RS256"})


class OidcProvider:
    def __init__(self, *, client_id: str, client_secret: str):
        self.client_id, self.client_secret = client_id, client_secret
        self.key = new_key()
        self.sign_with: RSAKey | None = None  # None: the published key
        self.person: dict = {}  # the claims of whoever is logged in at the provider
        self.tamper: dict = {}  # claims of the next ID tokens replaced (None removes one)
        self.authorize_requests: list[dict] = []
        self.token_requests: list[dict] = []
        self.logout_requests: list[dict] = []
        self.end_session = True  # publish end_session_endpoint in the discovery document
        self._codes: dict[str, dict] = {}
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.issuer = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self) -> OidcProvider:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    # -- what the endpoints answer --------------------------------------------------------------

    def discovery(self) -> dict:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "jwks_uri": f"{self.issuer}/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "code_challenge_methods_supported": ["S256"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic"],
            **({"end_session_endpoint": f"{self.issuer}/logout"} if self.end_session else {}),
        }

    def codes_age(self, seconds: int) -> None:
        """The codes handed out so far become `seconds` older (a browser that came back late)."""
        for grant in self._codes.values():
            grant["issued"] -= seconds

    def logout(self, query: dict[str, str]) -> tuple[int, dict]:
        self.logout_requests.append(query)
        self.person = {}
        back = query.get("post_logout_redirect_uri")
        return (302, {"Location": back}) if back else (200, {"logged_out": True})

    def authorize(self, query: dict[str, str]) -> tuple[int, dict]:
        self.authorize_requests.append(query)
        if query.get("client_id") != self.client_id or query.get("response_type") != "code":
            return 400, {"error": "unauthorized_client"}
        if query.get("code_challenge_method") != "S256" or not query.get("code_challenge"):
            return 400, {"error": "invalid_request", "error_description": "PKCE S256 required"}
        if "openid" not in query.get("scope", "").split() or not query.get("redirect_uri"):
            return 400, {"error": "invalid_scope"}
        code = secrets.token_urlsafe(24)
        self._codes[code] = {"redirect_uri": query["redirect_uri"], "nonce": query.get("nonce"),
                             "challenge": query["code_challenge"], "person": dict(self.person),
                             "issued": time.time()}
        answer = {"code": code}
        if "state" in query:
            answer["state"] = query["state"]
        return 302, {"Location": f"{query['redirect_uri']}?{urlencode(answer)}"}

    def token(self, form: dict[str, str], authorization: str) -> tuple[int, dict]:
        self.token_requests.append(form)
        client_id, _, secret = base64.b64decode(authorization.removeprefix("Basic ")).decode().partition(":")
        if (unquote(client_id), unquote(secret)) != (self.client_id, self.client_secret):
            return 401, {"error": "invalid_client"}
        grant = self._codes.pop(form.get("code", ""), None)  # a code is used once
        if form.get("grant_type") != "authorization_code" or grant is None \
                or form.get("redirect_uri") != grant["redirect_uri"]:
            return 400, {"error": "invalid_grant"}
        if time.time() - grant["issued"] > CODE_SECONDS:
            return 400, {"error": "invalid_grant", "error_description": "authorization code expired"}
        verifier = form.get("code_verifier", "").encode()
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier).digest()).rstrip(b"=").decode()
        if challenge != grant["challenge"]:
            return 400, {"error": "invalid_grant", "error_description": "PKCE verifier does not match"}
        now = int(time.time())
        claims = {"iss": self.issuer, "aud": self.client_id, "iat": now, "exp": now + 300,
                  "nonce": grant["nonce"], **grant["person"]}
        claims.update(self.tamper)
        claims = {name: value for name, value in claims.items() if value is not None}
        key = self.sign_with or self.key
        id_token = jwt.encode({"alg": "RS256", "kid": key.kid}, claims, key)
        return 200, {"access_token": secrets.token_urlsafe(24), "token_type": "Bearer", "expires_in": 300,
                     "id_token": id_token}

    def _handler(self):
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def _answer(self, status: int, body: dict) -> None:
                if status == 302:
                    self.send_response(302)
                    self.send_header("Location", body["Location"])
                    self.end_headers()
                    return
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:  # noqa: N802
                url = urlsplit(self.path)
                query = {name: values[0] for name, values in parse_qs(url.query).items()}
                if url.path == "/.well-known/openid-configuration":
                    self._answer(200, provider.discovery())
                elif url.path == "/jwks":
                    self._answer(200, {"keys": [provider.key.as_dict(private=False)]})
                elif url.path == "/authorize":
                    self._answer(*provider.authorize(query))
                elif url.path == "/logout" and provider.end_session:
                    self._answer(*provider.logout(query))
                else:
                    self._answer(404, {"error": "not_found"})

            def do_POST(self) -> None:  # noqa: N802
                length = int(self.headers.get("Content-Length") or 0)
                form = {name: values[0] for name, values in parse_qs(self.rfile.read(length).decode()).items()}
                if urlsplit(self.path).path == "/token":
                    self._answer(*provider.token(form, self.headers.get("Authorization", "")))
                else:
                    self._answer(404, {"error": "not_found"})

        return Handler
