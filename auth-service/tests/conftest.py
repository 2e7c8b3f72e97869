"""Auth tests run against the machine's PostgreSQL (database shop_auth_test), RabbitMQ and Redis.

One app (and its lifespan) serves the whole session; every test makes its own accounts, so tests
do not depend on each other's data.
"""

from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from auth_service.config import AuthSettings
from auth_service.main import create_app
from auth_service.service import Tokens
from fastapi import FastAPI
from service_kit.testing import app_client, load_test_module, prepare_database, private_vhost
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

SERVICE_DIR = Path(__file__).resolve().parents[1]


factories = load_test_module(__file__, "factories.py", "auth_service_tests_factories")


@pytest.fixture(scope="session")
def amqp_url() -> Iterator[str]:
    """This suite's own broker: other suites' live consumers never take its events."""
    with private_vhost("auth") as url:
        yield url


@pytest.fixture(scope="session")
def settings(amqp_url: str) -> AuthSettings:
    return factories.settings_for_tests(amqp_url=amqp_url)


@pytest.fixture(scope="session")
async def database(settings: AuthSettings) -> AuthSettings:
    await prepare_database(settings, SERVICE_DIR)
    return settings


@pytest.fixture(scope="session")
def app(database: AuthSettings) -> FastAPI:
    return create_app(database)


@pytest.fixture(scope="session")
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with app_client(app) as client:
        yield client


@pytest.fixture(scope="session")
def sessions(app: FastAPI, client: httpx.AsyncClient) -> async_sessionmaker[AsyncSession]:
    sessions: async_sessionmaker[AsyncSession] = app.state.kit.sessions
    return sessions


@pytest.fixture(scope="session")
def tokens(app: FastAPI, client: httpx.AsyncClient) -> Tokens:
    tokens: Tokens = app.state.kit.extra["tokens"]
    return tokens


@pytest.fixture
def factory(client: httpx.AsyncClient, sessions: async_sessionmaker[AsyncSession]) -> Any:
    return factories.AuthFactory(client, sessions)
