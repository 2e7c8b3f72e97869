"""Order tests run against the machine's PostgreSQL (database shop_order_test) and RabbitMQ,
with a small real HTTP stand-in for the cart service's /internal/cart.

One app (and its lifespan) serves the whole session; every test makes its own customers, so
tests do not depend on each other's data.
"""

from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from order_service.config import OrderSettings
from order_service.main import create_app
from service_kit.testing import (
    TokenMinter,
    app_client,
    load_test_module,
    prepare_database,
    private_vhost,
)
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

SERVICE_DIR = Path(__file__).resolve().parents[1]


factories = load_test_module(__file__, "factories.py", "order_service_tests_factories")


@pytest.fixture(scope="session")
async def cart_service() -> AsyncIterator[Any]:
    stand_in = factories.CartStandIn()
    await stand_in.start()
    yield stand_in
    await stand_in.stop()


@pytest.fixture(scope="session")
def amqp_url() -> Iterator[str]:
    """This suite's own broker: other suites' live consumers never take its events."""
    with private_vhost("order") as url:
        yield url


@pytest.fixture(scope="session")
def settings(cart_service: Any, amqp_url: str) -> OrderSettings:
    return factories.order_settings(cart_url=cart_service.url, amqp_url=amqp_url)


@pytest.fixture(scope="session")
async def database(settings: OrderSettings) -> OrderSettings:
    await prepare_database(settings, SERVICE_DIR)
    return settings


@pytest.fixture(scope="session")
def app(database: OrderSettings) -> FastAPI:
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
def shop(
    client: httpx.AsyncClient,
    minter: TokenMinter,
    cart_service: Any,
    sessions: async_sessionmaker[AsyncSession],
) -> Any:
    return factories.Shop(client, minter, cart_service, sessions)
