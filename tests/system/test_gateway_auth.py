"""The real auth service behind the real gateway: sign up, who am I, log out, refresh reuse.

Tokens issued by the auth service are checked by the gateway against the auth service's JWKS and
the revocation list in Redis. "Refused at the gateway" is shown with a route whose service does
not run here (the cart): a token the gateway accepted would get 503 there, a refused one 401.

Its own database (shop_auth_gateway_systest): tools/fleet.py owns shop_auth_systest for the
session-wide fleet, and preparing that one here would drop it under the running fleet.
"""

import asyncio
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from service_kit.testing import ServiceProcess, free_port, prepare_database

try:
    from auth_service.config import AuthSettings
except ImportError:  # the auth service is built alongside; until then there is nothing to test
    pytest.skip("auth_service cannot be imported yet", allow_module_level=True)

AUTH_SERVICE_DIR = Path(__file__).resolve().parents[2] / "auth-service"
DATABASE = "shop_auth_gateway_systest"
PASSWORD = "correct horse battery staple"


@pytest.fixture(scope="module")
async def auth_database() -> AuthSettings:
    settings = AuthSettings(env="test", database_name=DATABASE, database_user=DATABASE)
    await prepare_database(settings, AUTH_SERVICE_DIR)
    return settings


@pytest.fixture(scope="module")
def stack(auth_database: AuthSettings) -> Iterator[tuple[ServiceProcess, ServiceProcess]]:
    common = {"ENV": "test", "LOG_LEVEL": "WARNING", "ACCESS_LOG": "false"}
    auth = ServiceProcess(
        "auth_service",
        free_port(),
        {**common, "DATABASE_NAME": DATABASE, "DATABASE_USER": DATABASE},
        name="systest-auth",
    )
    auth.start(wait_path="/ready")
    gateway = ServiceProcess(
        "api_gateway",
        free_port(),
        {
            **common,
            "AUTH_SERVICE_URL": auth.url,
            "CART_SERVICE_URL": f"http://127.0.0.1:{free_port()}",  # not running
            "JWKS_URL": f"{auth.url}/api/auth/.well-known/jwks.json",
            "RATE_LIMIT_ENABLED": "false",
        },
        name="systest-gateway",
    )
    try:
        gateway.start()
    except Exception:
        auth.stop()
        raise
    yield auth, gateway
    gateway.stop()
    auth.stop()


@pytest.fixture
async def via_gateway(
    stack: tuple[ServiceProcess, ServiceProcess],
) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=stack[1].url, timeout=10) as client:
        yield client


async def sign_up(client: httpx.AsyncClient) -> dict[str, Any]:
    name = f"gw{uuid.uuid4().hex[:12]}"
    response = await client.post(
        "/api/auth/signup",
        json={"username": name, "email": f"{name}@example.com", "password": PASSWORD},
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def refused_at_gateway_within_a_second(client: httpx.AsyncClient, token: str) -> None:
    """The cart service is not running: 503 means the gateway let the token through."""
    started = time.monotonic()
    while True:
        response = await client.get("/api/cart", headers=bearer(token))
        if response.status_code == 401:
            assert response.json()["error"]["code"] == "invalid_token"
            return
        assert response.status_code == 503, response.text
        assert time.monotonic() - started < 1.0, "the gateway still accepts the token"
        await asyncio.sleep(0.02)


async def test_signup_and_me_through_the_gateway(via_gateway: httpx.AsyncClient) -> None:
    signed_up = await sign_up(via_gateway)
    assert signed_up["token_type"] == "bearer"
    assert signed_up["user"]["role"] == "customer"

    me = await via_gateway.get("/api/auth/me", headers=bearer(signed_up["access_token"]))
    assert me.status_code == 200, me.text
    assert me.json()["id"] == signed_up["user"]["id"]
    assert me.json()["email"] == signed_up["user"]["email"]

    # The gateway accepts the auth service's token for other areas too (503: cart is down).
    cart = await via_gateway.get("/api/cart", headers=bearer(signed_up["access_token"]))
    assert cart.status_code == 503
    assert cart.json()["error"]["code"] == "service_unavailable"

    anonymous = await via_gateway.get("/api/auth/me")
    assert anonymous.status_code == 401
    assert anonymous.json()["error"]["code"] == "not_authenticated"


async def test_after_logout_both_tokens_are_refused(via_gateway: httpx.AsyncClient) -> None:
    tokens = await sign_up(via_gateway)
    access = tokens["access_token"]
    assert (await via_gateway.get("/api/auth/me", headers=bearer(access))).status_code == 200

    logout = await via_gateway.post(
        "/api/auth/logout",
        headers=bearer(access),
        json={"refresh_token": tokens["refresh_token"]},
    )
    assert logout.status_code == 204, logout.text

    await refused_at_gateway_within_a_second(via_gateway, access)
    me = await via_gateway.get("/api/auth/me", headers=bearer(access))
    assert me.status_code == 401
    refresh = await via_gateway.post(
        "/api/auth/refresh", json={"refresh_token": tokens["refresh_token"]}
    )
    assert refresh.status_code == 401, refresh.text


async def test_reusing_a_refresh_token_ends_the_session(via_gateway: httpx.AsyncClient) -> None:
    first = await sign_up(via_gateway)
    rotated = await via_gateway.post(
        "/api/auth/refresh", json={"refresh_token": first["refresh_token"]}
    )
    assert rotated.status_code == 200, rotated.text
    second = rotated.json()
    assert second["refresh_token"] != first["refresh_token"]
    assert (
        await via_gateway.get("/api/auth/me", headers=bearer(second["access_token"]))
    ).status_code == 200

    reused = await via_gateway.post(
        "/api/auth/refresh", json={"refresh_token": first["refresh_token"]}
    )
    assert reused.status_code == 401, reused.text

    await refused_at_gateway_within_a_second(via_gateway, second["access_token"])
    latest = await via_gateway.post(
        "/api/auth/refresh", json={"refresh_token": second["refresh_token"]}
    )
    assert latest.status_code == 401, latest.text
