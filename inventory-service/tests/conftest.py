"""Inventory tests run against the machine's PostgreSQL (database shop_inventory_test), RabbitMQ
and Redis.

One app (with its lifespan: outbox relay and event consumer) serves the whole session; every
test makes its own products, so tests do not depend on each other's data.
"""

from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from inventory_service.config import InventorySettings
from inventory_service.main import create_app
from service_kit.testing import (
    TokenMinter,
    app_client,
    load_test_module,
    prepare_database,
    private_vhost,
)
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

SERVICE_DIR = Path(__file__).resolve().parents[1]


factories = load_test_module(__file__, "factories.py", "inventory_service_tests_factories")


@pytest.fixture(scope="session")
def amqp_url() -> Iterator[str]:
    """This suite's own broker: other suites' live consumers never take its events."""
    with private_vhost("inventory") as url:
        yield url


@pytest.fixture(scope="session")
def settings(amqp_url: str) -> InventorySettings:
    return factories.test_settings(amqp_url=amqp_url)


@pytest.fixture(scope="session")
async def database(settings: InventorySettings) -> InventorySettings:
    await prepare_database(settings, SERVICE_DIR)
    return settings


@pytest.fixture(scope="session")
def app(database: InventorySettings) -> FastAPI:
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
def admin(minter: TokenMinter) -> dict[str, str]:
    return minter.headers(role="admin")


@pytest.fixture
def customer(minter: TokenMinter) -> dict[str, str]:
    return minter.headers(role="customer")


@pytest.fixture
def factory(sessions: async_sessionmaker[AsyncSession]) -> Any:
    return factories.InventoryFactory(sessions)
