"""Access tokens the service must refuse, each with 401 and an error body."""

import base64
import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta

import jwt
import pytest
from auth_service_tests_factories import bearer
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from service_kit.testing import TokenMinter


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _segments(token: str) -> tuple[dict, dict, str]:
    header, payload, signature = token.split(".")
    pad = lambda s: s + "=" * (-len(s) % 4)  # noqa: E731
    return (
        json.loads(base64.urlsafe_b64decode(pad(header))),
        json.loads(base64.urlsafe_b64decode(pad(payload))),
        signature,
    )


def _encode(header: dict, claims: dict, signature: str = "") -> str:
    return ".".join(
        [
            _b64(json.dumps(header).encode()),
            _b64(json.dumps(claims).encode()),
            signature,
        ]
    )


async def _assert_refused(client, token: str, path: str = "/api/auth/me") -> None:
    response = await client.get(path, headers=bearer(token))
    assert response.status_code == 401, response.text
    assert response.json()["error"]["code"] == "invalid_token"


async def test_token_with_alg_none_is_refused(client, factory):
    account = await factory.account()
    header, claims, _ = _segments(account.access_token)

    await _assert_refused(client, _encode({**header, "alg": "none"}, claims))


async def test_token_signed_by_another_key_under_the_real_kid_is_refused(client, factory):
    account = await factory.account()
    header, claims, _ = _segments(account.access_token)
    forger = TokenMinter(key="untrusted")
    forged = jwt.encode(claims, forger.private_key, algorithm="RS256", headers=header)

    await _assert_refused(client, forged)


async def test_token_signed_by_an_unknown_key_is_refused(client, factory):
    account = await factory.account()
    _, claims, _ = _segments(account.access_token)

    await _assert_refused(client, TokenMinter(key="untrusted").token(claims["sub"]))


async def test_eddsa_token_under_the_real_kid_is_refused(client, factory):
    """Only RS256 is accepted, whatever key signed a token of another algorithm."""
    account = await factory.account()
    header, claims, _ = _segments(account.access_token)
    forged = jwt.encode(
        claims, Ed25519PrivateKey.generate(), algorithm="EdDSA", headers={**header, "alg": "EdDSA"}
    )

    await _assert_refused(client, forged)


async def test_hs256_token_signed_with_the_public_key_is_refused(client, tokens, factory):
    """Algorithm confusion: the public key used as an HMAC secret."""
    account = await factory.account()
    header, claims, _ = _segments(account.access_token)
    public_key = tokens.issuer.signing_key.private_key.public_key()
    jwk = tokens.issuer.signing_key.public_jwk
    hmac_keys = [
        public_key.public_bytes(encoding, public_format)
        for encoding in (serialization.Encoding.PEM, serialization.Encoding.DER)
        for public_format in (
            serialization.PublicFormat.SubjectPublicKeyInfo,
            serialization.PublicFormat.PKCS1,
        )
    ]
    hmac_keys += [jwk["n"].encode(), json.dumps(jwk).encode()]
    for secret in hmac_keys:
        confused_header = {**header, "alg": "HS256"}
        signing_input = f"{_encode(confused_header, claims)[:-1]}".encode()
        signature = _b64(hmac.new(secret, signing_input, hashlib.sha256).digest())
        await _assert_refused(client, _encode(confused_header, claims, signature))


async def test_token_with_a_tampered_role_claim_is_refused_not_forbidden(client, factory):
    account = await factory.account()
    header, claims, signature = _segments(account.access_token)

    await _assert_refused(
        client, _encode(header, {**claims, "role": "admin"}, signature), "/api/auth/users"
    )


@pytest.mark.parametrize(
    ("claim", "value"),
    [
        ("aud", "someone-else"),
        ("iss", "https://evil.example"),
        ("exp", datetime.now(UTC) - timedelta(minutes=1)),
    ],
    ids=["wrong-audience", "wrong-issuer", "expired"],
)
async def test_validly_signed_token_with_a_bad_claim_is_refused(
    client, tokens, factory, claim, value
):
    account = await factory.account()
    _, claims, _ = _segments(account.access_token)

    await _assert_refused(client, tokens.issuer.sign({**claims, claim: value}))


async def test_validly_signed_token_missing_the_session_claim_is_refused(client, tokens, factory):
    account = await factory.account()
    _, claims, _ = _segments(account.access_token)
    del claims["sid"]

    await _assert_refused(client, tokens.issuer.sign(claims))


async def test_refresh_token_used_as_an_access_token_is_refused(client, factory):
    account = await factory.account()

    await _assert_refused(client, account.refresh_token)


@pytest.mark.parametrize(
    "authorization",
    ["Bearer", "Bearer not.a.jwt", "Basic dXNlcjpwYXNz", "Bearer " + "A" * 4000],
    ids=["empty", "garbage", "basic-scheme", "huge"],
)
async def test_malformed_authorization_headers_are_unauthorized(client, authorization):
    response = await client.get("/api/auth/me", headers={"Authorization": authorization})

    assert response.status_code == 401
    assert response.json()["error"]["code"] in {"not_authenticated", "invalid_token"}
