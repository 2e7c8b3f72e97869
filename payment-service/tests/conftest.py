"""Payment tests run against the machine's PostgreSQL (database shop_payment_test) and RabbitMQ.

One app (and its lifespan: outbox relay, consumer) serves the whole session; every test makes
its own users and orders, so tests do not depend on each other's data. Tests that change the
processor switch reset it when they end.

The broker is a virtual host of the payment tests' own (`<run's vhost>_payment`, deleted at
the end). In the shared test vhost, other services' test apps of the same pytest run are live too:
inventory's would answer our payment.success about unknown products with stock.insufficient,
and our consumer would refund payments while a test is looking at them.
"""

from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from payment_service.config import PaymentSettings
from payment_service.consumers import build_handlers
from payment_service.main import create_app
from service_kit.consumer import Handlers
from service_kit.testing import (
    TokenMinter,
    app_client,
    load_test_module,
    prepare_database,
    private_vhost,
)
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

SERVICE_DIR = Path(__file__).resolve().parents[1]


factories = load_test_module(__file__, "factories.py", "payment_service_tests_factories")


@pytest.fixture(scope="session")
def amqp_url() -> Iterator[str]:
    with private_vhost("payment") as url:
        yield url


@pytest.fixture(scope="session")
def settings(amqp_url: str) -> PaymentSettings:
    return factories.service_settings(amqp_url=amqp_url)


@pytest.fixture(scope="session")
async def database(settings: PaymentSettings) -> PaymentSettings:
    await prepare_database(settings, SERVICE_DIR)
    return settings


@pytest.fixture(scope="session")
def app(database: PaymentSettings) -> FastAPI:
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


@pytest.fixture(scope="session")
def handlers(settings: PaymentSettings) -> Handlers:
    return build_handlers(settings)


@pytest.fixture
def shop(
    client: httpx.AsyncClient,
    minter: TokenMinter,
    sessions: async_sessionmaker[AsyncSession],
    handlers: Handlers,
) -> Any:
    return factories.PaymentShop(client, minter, sessions, handlers)


@pytest.fixture
async def switch(shop: Any) -> AsyncIterator[Any]:
    """Change the processor switch as an admin would; it is reset after the test."""
    yield shop.set_switch
    await shop.reset_switch()
