"""Analytics tests run against the machine's PostgreSQL (database shop_analytics_test), RabbitMQ
and Redis.

One app (with its lifespan: the event consumer) serves the whole session. The reports are
global, so every test places its orders in a time window of its own (`factories.window`) and
reads the figures of that window only; products and customers are new ids per test.
"""

from pathlib import Path
from typing import Any

import httpx
import pytest
from analytics_service.main import create_app
from fastapi import FastAPI
from service_kit.pg import Database
from service_kit.pytest_fixtures import ServiceUnderTest
from service_kit.testing import TokenMinter, load_test_module

factories = load_test_module(__file__, "factories.py", "analytics_service_tests_factories")


@pytest.fixture(scope="session")
def service_under_test() -> ServiceUnderTest:
    return ServiceUnderTest(
        name="analytics",
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
def shop(pg: Database) -> Any:
    return factories.Shop(pg)
