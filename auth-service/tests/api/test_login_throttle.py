"""The sign-in throttle counts per account (its email and username together, from any address)
and per client address (across accounts); emails are one account however they are written."""

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import pytest
from auth_service.errors import LoginThrottled
from auth_service.throttle import LoginThrottle
from auth_service_tests_factories import PASSWORD, unique_name
from fastapi import FastAPI


@asynccontextmanager
async def client_at(app: FastAPI, address: str) -> AsyncIterator[httpx.AsyncClient]:
    """A client whose requests come from `address` (the app's lifespan already runs)."""
    transport = httpx.ASGITransport(app=app, client=(address, 40_000))
    async with httpx.AsyncClient(transport=transport, base_url="http://service") as client:
        yield client


async def login(client: httpx.AsyncClient, identifier: str, password: str) -> httpx.Response:
    return await client.post("/api/auth/login", json={"email": identifier, "password": password})


async def test_the_email_and_the_username_of_an_account_count_together(client, factory):
    account = await factory.account()
    names = [account.email, account.user["username"]]
    for attempt in range(5):
        wrong = await login(client, names[attempt % 2], "wrong password")
        assert wrong.status_code == 401

    throttled = await login(client, account.user["username"].upper(), "wrong password")

    assert throttled.status_code == 429
    assert throttled.json()["error"]["code"] == "too_many_login_attempts"


async def test_an_account_is_throttled_whatever_address_the_guesses_come_from(app, client, factory):
    account = await factory.account()
    for n in range(5):
        async with client_at(app, f"198.51.100.{n + 1}") as elsewhere:
            assert (await login(elsewhere, account.email, "wrong password")).status_code == 401

    async with client_at(app, "198.51.100.99") as another:
        throttled = await login(another, account.email, "wrong password")

    assert throttled.status_code == 429


async def test_a_forwarded_for_header_from_an_untrusted_peer_changes_nothing(app, factory):
    """The service trusts no forwarder by default: rotating X-Forwarded-For is no new address."""
    account = await factory.account()
    async with client_at(app, "203.0.113.50") as attacker:
        for n in range(5):
            spoofed = {"X-Forwarded-For": f"192.0.2.{n}"}
            response = await attacker.post(
                "/api/auth/login",
                json={"email": account.email, "password": "wrong"},
                headers=spoofed,
            )
            assert response.status_code == 401
        assert (await login(attacker, account.email, "wrong")).status_code == 429


@pytest.fixture
def throttle(app: FastAPI) -> LoginThrottle:
    """A throttle with low limits on the app's Redis."""
    redis = app.state.kit.redis
    return LoginThrottle(redis, max_failures=5, max_failures_per_address=3, window_seconds=60)


async def test_one_address_guessing_at_many_accounts_is_throttled(throttle):
    address = f"203.0.113.{uuid.uuid4().int % 250}-{uuid.uuid4().hex}"
    for _ in range(3):
        await throttle.attempt(unique_name("victim"), address)

    with pytest.raises(LoginThrottled) as refused:
        await throttle.attempt(unique_name("victim"), address)
    assert 0 < int(refused.value.headers["Retry-After"]) <= 60
    await throttle.attempt(unique_name("victim"), f"{address}-other")  # another address is free


async def test_a_successful_sign_in_takes_its_own_attempt_off_the_address(throttle):
    address = f"address-{uuid.uuid4().hex}"
    for _ in range(10):  # ten customers behind one address sign in fine
        account = unique_name("customer")
        await throttle.attempt(account, address)
        await throttle.succeeded(account, address)
    for _ in range(3):
        await throttle.attempt(unique_name("victim"), address)
    with pytest.raises(LoginThrottled):
        await throttle.attempt(unique_name("victim"), address)


async def test_an_email_is_one_account_however_it_is_written(client):
    name = unique_name("fold")
    # Full-width letters and capitals: NFKC and case folding make them the address below.
    fancy = "".join(chr(ord(c) + 0xFEE0) if c.isalpha() else c for c in name[:4]) + name[4:]
    first = await client.post(
        "/api/auth/signup",
        json={"username": name, "email": f"{fancy.upper()}@Example.COM", "password": PASSWORD},
    )
    assert first.status_code == 201, first.text
    assert first.json()["user"]["email"] == f"{name.lower()}@example.com"

    again = await client.post(
        "/api/auth/signup",
        json={
            "username": unique_name("other"),
            "email": f"{name.upper()}@example.com",
            "password": PASSWORD,
        },
    )
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "email_taken"
    signed_in = await login(client, f"{fancy}@EXAMPLE.com", PASSWORD)
    assert signed_in.status_code == 200, signed_in.text
