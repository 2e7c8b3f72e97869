"""The access table is enforced at the gateway, before anything reaches a service."""

import asyncio
import base64
import hashlib
import hmac
import json
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from redis.asyncio import Redis
from service_kit.auth import RevocationList
from service_kit.testing import ServiceProcess, TokenMinter


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def json_claims(minter: TokenMinter, role: str = "admin") -> dict[str, Any]:
    claims = minter.claims(role=role)
    return {k: int(v.timestamp()) if isinstance(v, datetime) else v for k, v in claims.items()}


def forge(header: dict[str, Any], claims: dict[str, Any], key: bytes | None) -> str:
    signing_input = f"{b64(json.dumps(header).encode())}.{b64(json.dumps(claims).encode())}"
    signature = hmac.new(key, signing_input.encode(), hashlib.sha256).digest() if key else b""
    return f"{signing_input}.{b64(signature)}"


def alg_none(minter: TokenMinter) -> str:
    header = {"alg": "none", "typ": "at+jwt", "kid": minter.kid}
    return forge(header, json_claims(minter), None)


def hs256_with_public_key(minter: TokenMinter) -> str:
    """Algorithm confusion: an HMAC 'signed' with the public key everyone can fetch."""
    public = minter.private_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    header = {"alg": "HS256", "typ": "at+jwt", "kid": minter.kid}
    return forge(header, json_claims(minter), public)


def tampered_role(minter: TokenMinter) -> str:
    header, payload, signature = minter.token(role="customer").split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["role"] = "admin"
    return f"{header}.{b64(json.dumps(claims).encode())}.{signature}"


def wrong_key(minter: TokenMinter) -> str:
    return minter.impostor().token(role="admin")


def unknown_key(_: TokenMinter) -> str:
    return TokenMinter(key="untrusted").token(role="admin")


def eddsa_signed(minter: TokenMinter) -> str:
    """Only RS256 is accepted: an Ed25519 signature under the trusted kid is refused."""
    return jwt.encode(
        minter.claims(role="admin"),
        Ed25519PrivateKey.generate(),
        algorithm="EdDSA",
        headers={"kid": minter.kid, "typ": "at+jwt"},
    )


def wrong_audience(minter: TokenMinter) -> str:
    return minter.token(role="admin", aud="another-shop")


def wrong_issuer(minter: TokenMinter) -> str:
    return minter.token(role="admin", iss="someone-else")


def expired(minter: TokenMinter) -> str:
    now = datetime.now(UTC)
    return minter.token(
        role="admin", iat=now - timedelta(minutes=20), exp=now - timedelta(minutes=1)
    )


def random_string(_: TokenMinter) -> str:
    return "not-a-jwt-at-all"


HOSTILE_TOKENS: dict[str, Callable[[TokenMinter], str]] = {
    f.__name__: f
    for f in (
        alg_none,
        hs256_with_public_key,
        tampered_role,
        wrong_key,
        unknown_key,
        eddsa_signed,
        wrong_audience,
        wrong_issuer,
        expired,
        random_string,
    )
}


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.mark.parametrize("kind", HOSTILE_TOKENS)
@pytest.mark.parametrize("path", ["/api/cart", "/api/analytics/summary", "/api/products"])
def test_hostile_tokens_are_refused(
    client: httpx.Client,
    minter: TokenMinter,
    services: Any,
    expect_error: Any,
    kind: str,
    path: str,
) -> None:
    marker = uuid.uuid4().hex
    response = client.get(f"{path}?m={marker}", headers=bearer(HOSTILE_TOKENS[kind](minter)))
    expect_error(response, 401, "invalid_token")
    assert response.headers["www-authenticate"] == "Bearer"
    assert not services.reached(marker)


@pytest.mark.parametrize(
    "authorization", ["Basic dXNlcjpwYXNz", "Bearer", "Bearer two words", "token"]
)
def test_malformed_authorization_is_refused(
    client: httpx.Client, expect_error: Any, authorization: str
) -> None:
    response = client.get("/api/products", headers={"Authorization": authorization})
    expect_error(response, 401, "invalid_token")


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/cart"),
        ("POST", "/api/orders"),
        ("GET", "/api/auth/me"),
        ("POST", "/api/auth/logout"),
        ("GET", "/api/payments"),
        ("GET", "/api/recommendations/for-me"),
        ("GET", "/api/analytics/summary"),
        ("POST", "/api/products"),
    ],
)
def test_customer_and_admin_routes_need_a_token(
    client: httpx.Client, services: Any, expect_error: Any, method: str, path: str
) -> None:
    marker = uuid.uuid4().hex
    response = client.request(method, f"{path}?m={marker}")
    error = expect_error(response, 401, "not_authenticated")
    assert "Authentication" in error["message"]
    assert response.headers["www-authenticate"] == "Bearer"
    assert not services.reached(marker)


ADMIN_ROUTES = [
    ("POST", "/api/products"),
    ("PATCH", "/api/products/p-1"),
    ("DELETE", "/api/products/p-1"),
    ("GET", "/api/analytics/summary"),
    ("GET", "/api/analytics/top-products"),
    ("GET", "/api/auth/users"),
    ("PATCH", "/api/auth/users/u-1/role"),
    ("GET", "/api/inventory"),
    ("PUT", "/api/inventory/p-1"),
    ("POST", "/api/inventory/p-1/adjust"),
    ("POST", "/api/orders/o-1/ship"),
    ("POST", "/api/recommendations/descriptions"),
]


@pytest.mark.parametrize(("method", "path"), ADMIN_ROUTES)
def test_admin_routes_refuse_customers_and_admit_admins(
    client: httpx.Client,
    minter: TokenMinter,
    services: Any,
    expect_error: Any,
    method: str,
    path: str,
) -> None:
    marker = uuid.uuid4().hex
    refused = client.request(method, f"{path}?m={marker}", headers=minter.headers(role="customer"))
    expect_error(refused, 403, "forbidden")
    assert not services.reached(marker)

    admitted = client.request(method, path, headers=minter.headers(role="admin"))
    assert admitted.status_code == 200
    assert admitted.json()["path"] == path


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/api/auth/signup"),
        ("POST", "/api/auth/login"),
        ("POST", "/api/auth/refresh"),
        ("GET", "/api/auth/.well-known/jwks.json"),
        ("GET", "/api/products"),
        ("GET", "/api/products/p-1"),
        ("GET", "/api/categories"),
        ("GET", "/api/inventory/p-1"),
        ("GET", "/api/recommendations/related/p-1"),
        ("GET", "/api/recommendations/best-sellers"),
    ],
)
def test_public_routes_need_no_token(client: httpx.Client, method: str, path: str) -> None:
    response = client.request(method, path)
    assert response.status_code == 200
    echo = response.json()
    assert echo["path"] == path
    assert not [v for k, v in echo["headers"] if k in ("x-user-id", "x-user-role")]


async def test_a_revoked_session_is_refused_within_a_second(
    gateway: ServiceProcess, minter: TokenMinter, redis_url: str, expect_error: Any
) -> None:
    session_id = uuid.uuid4().hex
    headers = bearer(minter.token(sid=session_id))
    redis = Redis.from_url(redis_url)
    try:
        async with httpx.AsyncClient(base_url=gateway.url, timeout=5) as client:
            assert (await client.get("/api/cart", headers=headers)).status_code == 200
            await RevocationList(redis).revoke(session_id, ttl_seconds=900)
            revoked_at = time.monotonic()
            while (response := await client.get("/api/cart", headers=headers)).status_code == 200:
                assert time.monotonic() - revoked_at < 1.0, "still accepted a second later"
                await asyncio.sleep(0.02)
            expect_error(response, 401, "invalid_token")
            assert "session" in response.json()["error"]["message"]
            other = await client.get("/api/cart", headers=minter.headers())
            assert other.status_code == 200  # only that session ended
    finally:
        await redis.aclose()
