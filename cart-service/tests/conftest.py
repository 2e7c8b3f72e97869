"""Cart tests run against the machine's PostgreSQL (database shop_cart_test), RabbitMQ and
Redis.

One app (with its lifespan: outbox relay and event consumer) serves the whole session; every
test makes its own products and shoppers, so tests do not depend on each other's data.
"""

from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from cart_service.config import CartSettings
from cart_service.main import create_app
from fastapi import FastAPI
from service_kit.testing import (
    TokenMinter,
    app_client,
    load_test_module,
    prepare_database,
    private_vhost,
)
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

SERVICE_DIR = Path(__file__).resolve().parents[1]


factories = load_test_module(__file__, "factories.py", "cart_service_tests_factories")


@pytest.fixture(scope="session")
def amqp_url() -> Iterator[str]:
    """This suite's own broker: other suites' live consumers never take its events."""
    with private_vhost("cart") as url:
        yield url


@pytest.fixture(scope="session")
def settings(amqp_url: str) -> CartSettings:
    return factories.test_settings(amqp_url=amqp_url)


@pytest.fixture(scope="session")
async def database(settings: CartSettings) -> CartSettings:
    await prepare_database(settings, SERVICE_DIR)
    return settings


@pytest.fixture(scope="session")
def app(database: CartSettings) -> FastAPI:
    return create_app(database)


@pytest.fixture(scope="session")
def minter() -> TokenMinter:
    return TokenMinter()


@pytest.fixture(scope="session")
async def client(app: FastAPI, minter: TokenMinter) -> AsyncIterator[httpx.AsyncClient]:
    async with app_client(app) as client:
        minter.install(app)
        yield client


@pytest.fixture(scope="session")
def sessions(app: FastAPI, client: httpx.AsyncClient) -> async_sessionmaker[AsyncSession]:
    sessions: async_sessionmaker[AsyncSession] = app.state.kit.sessions
    return sessions


@pytest.fixture
def factory(
    client: httpx.AsyncClient, sessions: async_sessionmaker[AsyncSession], minter: TokenMinter
) -> Any:
    return factories.CartFactory(client, sessions, minter)
