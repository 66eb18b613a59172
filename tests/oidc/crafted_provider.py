"""An OpenID provider on the loopback whose token endpoint answers with an ID token the test crafts (a forged
signature, an expired token, another nonce, another audience): what a certified provider never sends, so the
client's checks are tested against real HTTP, a real JWKS and real signatures, not mocks.

Import as ``from crafted_provider import crafted_provider`` (tests/oidc is on the path of its tests).
"""
from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

from joserfc import jwt
from joserfc.jwk import RSAKey

KID = "crafted-1"


class CraftedProvider:
    def __init__(self, server: ThreadingHTTPServer) -> None:
        self.server = server
        self.issuer = f"http://127.0.0.1:{server.server_port}"
        self.key = RSAKey.generate_key(2048, parameters={"kid": KID, "use": "sig", "alg": "RS256"})
        #: what the token endpoint answers next: claims -> a signed ID token (default: signed with the key above)
        self.make_id_token: Callable[[dict[str, Any]], str] = self.sign
        #: the claims of the next ID token, changed by the test (``nonce`` defaults to the one the client sent)
        self.claims: dict[str, Any] = {}
        self.nonce: str | None = None
        self.token_requests: list[dict[str, list[str]]] = []

    def sign(self, claims: dict[str, Any], key: RSAKey | None = None) -> str:
        return jwt.encode({"alg": "RS256", "kid": KID}, claims, key or self.key)

    def id_token_claims(self) -> dict[str, Any]:
        now = int(time.time())
        return {"iss": self.issuer, "aud": "greenmfg", "sub": "crafted-subject", "iat": now, "exp": now + 300,
                "nonce": self.nonce, "amr": ["pwd"], **self.claims}


def _handler(provider_ref: list[CraftedProvider]) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:  # quiet
            pass

        def _json(self, body: dict) -> None:
            data = json.dumps(body).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            provider = provider_ref[0]
            if self.path == "/.well-known/openid-configuration":
                self._json({"issuer": provider.issuer, "authorization_endpoint": f"{provider.issuer}/auth",
                            "token_endpoint": f"{provider.issuer}/token", "jwks_uri": f"{provider.issuer}/jwks",
                            "response_types_supported": ["code"], "subject_types_supported": ["public"],
                            "id_token_signing_alg_values_supported": ["RS256"],
                            "code_challenge_methods_supported": ["S256"]})
            elif self.path == "/jwks":
                self._json({"keys": [provider.key.as_dict(private=False)]})
            else:
                self.send_error(404)

        def do_POST(self) -> None:
            provider = provider_ref[0]
            if self.path != "/token":
                self.send_error(404)
                return
            length = int(self.headers.get("Content-Length") or 0)
            form = parse_qs(self.rfile.read(length).decode())
            provider.token_requests.append(form)
            id_token = provider.make_id_token(provider.id_token_claims())
            self._json({"access_token": "crafted-access-token", "token_type": "Bearer", "expires_in": 300,
                        "id_token": id_token})

    return Handler


@contextlib.contextmanager
def crafted_provider() -> Iterator[CraftedProvider]:
    ref: list[CraftedProvider] = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(ref))
    ref.append(CraftedProvider(server))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield ref[0]
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
