"""Test data: unique accounts made through the API, as a client would make them."""

import itertools
import uuid
from dataclasses import dataclass
from typing import Any

import httpx
from auth_service import service
from auth_service.config import AuthSettings
from service_kit.testing import test_database
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

PASSWORD = "correct horse battery"
_sequence = itertools.count()


def settings_for_tests(**overrides: Any) -> AuthSettings:
    return AuthSettings(
        env="test",
        database_name=test_database("auth"),
        # The service verifies its own tokens from memory; nothing should be fetched over HTTP
        # (a token naming an unknown key makes the verifier try this closed port, and fail).
        jwks_url="http://127.0.0.1:9/api/auth/.well-known/jwks.json",
        # Every test client shares one address; the per-address limit has a test of its own.
        login_max_failures_per_address=1_000_000,
        **overrides,
    )


def unique_name(prefix: str = "user") -> str:
    return f"{prefix}{next(_sequence)}_{uuid.uuid4().hex[:8]}"


def signup_payload(**overrides: Any) -> dict[str, Any]:
    name = unique_name()
    return {"username": name, "email": f"{name}@example.com", "password": PASSWORD, **overrides}


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@dataclass
class Account:
    user: dict[str, Any]
    access_token: str
    refresh_token: str
    password: str = PASSWORD

    @property
    def id(self) -> str:
        return str(self.user["id"])

    @property
    def email(self) -> str:
        return str(self.user["email"])

    @property
    def headers(self) -> dict[str, str]:
        return bearer(self.access_token)


class AuthFactory:
    def __init__(self, client: httpx.AsyncClient, sessions: async_sessionmaker[AsyncSession]):
        self.client = client
        self.sessions = sessions

    async def account(self, **overrides: Any) -> Account:
        payload = signup_payload(**overrides)
        response = await self.client.post("/api/auth/signup", json=payload)
        assert response.status_code == 201, response.text
        body = response.json()
        return Account(
            body["user"], body["access_token"], body["refresh_token"], payload["password"]
        )

    async def login(self, identifier: str, password: str = PASSWORD) -> Account:
        response = await self.client.post(
            "/api/auth/login", json={"email": identifier, "password": password}
        )
        assert response.status_code == 200, response.text
        body = response.json()
        return Account(body["user"], body["access_token"], body["refresh_token"], password)

    async def admin(self) -> Account:
        """A new account made admin the way operators do it, signed in afresh."""
        account = await self.account()
        async with self.sessions() as session, session.begin():
            await service.ensure_admin(session, email=account.email, password=None, username=None)
        return await self.login(account.email)
