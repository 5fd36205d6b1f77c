"""Issue 4 point 3: OpenID Connect sign-in against a small OpenID provider served over real HTTP on loopback: the
authorization request (state, nonce, PKCE), the token exchange, the RS256 ID token checked against the provider's
JWKS, userinfo, and the level from the ``acr`` claim recorded on the session and the account."""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from django.contrib.auth import get_user_model

from motcua.identity.models import IdentityAccount, SignIn

pytestmark = pytest.mark.django_db

CLIENT_ID, CLIENT_SECRET = "motcua-test", "s3cret"


class Provider:
    """A minimal OpenID provider: codes are issued by :meth:`authorize` (what the browser's trip to the provider
    would do), then redeemed once at ``/token`` with the client secret and the PKCE verifier."""

    def __init__(self) -> None:
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.kid = "k1"
        self.codes: dict[str, dict] = {}
        self.tokens: dict[str, dict] = {}
        self.token_calls = 0
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def jwks(self) -> dict:
        jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key()))
        jwk.update(kid=self.kid, use="sig", alg="RS256")
        return {"keys": [jwk]}

    def authorize(self, authorize_url: str, claims: dict) -> str:
        query = {k: v[0] for k, v in parse_qs(urlparse(authorize_url).query).items()}
        assert query["client_id"] == CLIENT_ID and query["response_type"] == "code"
        assert query["code_challenge_method"] == "S256"
        code = secrets.token_urlsafe(16)
        self.codes[code] = {"nonce": query["nonce"], "challenge": query["code_challenge"],
                            "redirect_uri": query["redirect_uri"], "claims": claims}
        return f"{query['redirect_uri']}?code={code}&state={query['state']}"

    def _handler(self):
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _json(self, status: int, body: dict) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                if self.path == "/jwks":
                    return self._json(200, provider.jwks())
                if self.path == "/userinfo":
                    token = self.headers.get("Authorization", "").removeprefix("Bearer ")
                    grant = provider.tokens.get(token)
                    if grant is None:
                        return self._json(401, {"error": "invalid_token"})
                    return self._json(200, {k: v for k, v in grant["claims"].items() if k != "acr"})
                return self._json(404, {})

            def do_POST(self):
                provider.token_calls += 1
                length = int(self.headers.get("Content-Length", 0))
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                grant = provider.codes.pop(form.get("code", ""), None)
                if self.path != "/token" or grant is None:
                    return self._json(400, {"error": "invalid_grant"})
                if form.get("client_id") != CLIENT_ID or form.get("client_secret") != CLIENT_SECRET:
                    return self._json(401, {"error": "invalid_client"})
                digest = hashlib.sha256(form.get("code_verifier", "").encode()).digest()
                if base64.urlsafe_b64encode(digest).rstrip(b"=").decode() != grant["challenge"]:
                    return self._json(400, {"error": "invalid_grant", "error_description": "PKCE"})
                if form.get("redirect_uri") != grant["redirect_uri"]:
                    return self._json(400, {"error": "invalid_grant"})
                now = int(time.time())
                id_token = jwt.encode({"iss": provider.base, "aud": CLIENT_ID, "iat": now, "exp": now + 300,
                                       "nonce": grant["nonce"], **grant["claims"]},
                                      provider.key, algorithm="RS256", headers={"kid": provider.kid})
                access = secrets.token_urlsafe(16)
                provider.tokens[access] = grant
                return self._json(200, {"access_token": access, "id_token": id_token, "token_type": "Bearer"})

        return Handler


@pytest.fixture
def provider(settings):
    op = Provider()
    settings.MOTCUA_OIDC_CLIENT_ID = CLIENT_ID
    settings.MOTCUA_OIDC_CLIENT_SECRET = CLIENT_SECRET
    settings.MOTCUA_OIDC_AUTHORIZATION_ENDPOINT = f"{op.base}/authorize"
    settings.MOTCUA_OIDC_TOKEN_ENDPOINT = f"{op.base}/token"
    settings.MOTCUA_OIDC_USERINFO_ENDPOINT = f"{op.base}/userinfo"
    settings.MOTCUA_OIDC_JWKS_ENDPOINT = f"{op.base}/jwks"
    yield op
    op.close()


CLAIMS = {"sub": "vneid-7f3a", "personal_id": "079201006789", "name": "Lê Minh Châu", "acr": "vneid:level2",
          "email": "chau@example.vn"}


def _start(client, next_url: str = "/ho-so/tra-cuu/") -> str:
    response = client.get(f"/dinh-danh/oidc/?next={next_url}")
    assert response.status_code == 302
    return response["Location"]


def test_sign_in_through_the_provider_records_level_two(client, provider):
    assert 'id="provider-oidc"' in client.get("/dang-nhap/").content.decode()
    callback = provider.authorize(_start(client), CLAIMS)
    response = client.get(callback)
    assert response.status_code == 302 and response["Location"] == "/ho-so/tra-cuu/"
    user = get_user_model().objects.get(username="079201006789")
    assert client.session["_auth_user_id"] == str(user.pk)
    assert client.session["motcua_identity_level"] == 2
    account = IdentityAccount.objects.get(user=user)
    assert (account.provider, account.subject, account.level) == ("oidc", "vneid-7f3a", 2)
    assert user.email == "chau@example.vn"
    assert SignIn.objects.filter(user=user, provider="oidc", demo=False).count() == 1


def test_level_one_claim_and_the_same_subject_reuse_the_account(client, provider):
    client.get(provider.authorize(_start(client), CLAIMS))
    client.logout()
    client.get(provider.authorize(_start(client), {**CLAIMS, "acr": "vneid:level1"}))
    assert client.session["motcua_identity_level"] == 1
    assert get_user_model().objects.filter(username="079201006789").count() == 1
    assert IdentityAccount.objects.get().level == 1


def test_a_replayed_or_forged_state_is_refused(client, provider):
    callback = provider.authorize(_start(client), CLAIMS)
    forged = callback.replace("state=", "state=x")
    assert client.get(forged).status_code == 400
    assert client.get(callback).status_code == 302       # the genuine one still works, once
    client.logout()
    assert client.get(callback).status_code == 400       # its state was used up
    assert provider.token_calls == 1


def test_an_id_token_signed_by_another_key_is_refused(client, provider):
    callback = provider.authorize(_start(client), CLAIMS)
    provider.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)  # signs with a key not in JWKS
    jwks = provider.jwks
    provider.jwks = lambda: {"keys": [{**jwks()["keys"][0], "kid": "other"}]}
    response = client.get(callback)
    assert response.status_code == 400
    assert "_auth_user_id" not in client.session


def test_an_invalid_personal_id_claim_is_refused(client, provider):
    callback = provider.authorize(_start(client), {**CLAIMS, "personal_id": "079901006789"})
    response = client.get(callback)
    assert response.status_code == 400
    assert not get_user_model().objects.exists()


def test_the_provider_being_down_gives_a_clear_message(client, provider):
    callback = provider.authorize(_start(client), CLAIMS)
    provider.close()
    response = client.get(callback)
    assert response.status_code == 400
    assert "Không kết nối được" in response.content.decode()


def test_not_configured_means_not_offered(client):
    assert client.get("/dinh-danh/oidc/").status_code == 404
    assert 'id="provider-oidc"' not in client.get("/dang-nhap/").content.decode()
