"""Inventory tests run against the machine's PostgreSQL (database shop_inventory_test), RabbitMQ
and Redis.

One app (with its lifespan: outbox relay and event consumer) serves the whole session; every
test makes its own products, so tests do not depend on each other's data. The session fixtures
(app, client, database, minter, sessions…) come from `service_kit.pytest_fixtures`.
"""

from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from inventory_service.main import create_app
from service_kit.pg import Database
from service_kit.pytest_fixtures import ServiceUnderTest
from service_kit.testing import TokenMinter, load_test_module
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

factories = load_test_module(__file__, "factories.py", "inventory_service_tests_factories")


@pytest.fixture(scope="session")
def service_under_test() -> ServiceUnderTest:
    return ServiceUnderTest(
        name="inventory",
        directory=Path(__file__).resolve().parents[1],
        settings=factories.test_settings,
        create_app=create_app,
    )


@pytest.fixture
def admin(minter: TokenMinter) -> dict[str, str]:
    return minter.headers(role="admin")


@pytest.fixture
def customer(minter: TokenMinter) -> dict[str, str]:
    return minter.headers(role="customer")


@pytest.fixture
def pg(app: FastAPI, client: httpx.AsyncClient) -> Database:
    """The running app's asyncpg pool (asking for `client` first starts its lifespan)."""
    database: Database = app.state.kit.database
    return database


@pytest.fixture
def factory(sessions: async_sessionmaker[AsyncSession], pg: Database) -> Any:
    return factories.InventoryFactory(sessions, pg)
