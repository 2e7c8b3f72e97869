"""Order tests run against the machine's PostgreSQL (database shop_order_test) and RabbitMQ,
with a small real HTTP stand-in for the cart service's /internal/cart.

One app (and its lifespan) serves the whole session; every test makes its own customers, so
tests do not depend on each other's data. The session fixtures (app, client, database, minter,
sessions…) come from `service_kit.pytest_fixtures`; the settings point at the cart stand-in.
`pool` is the app's asyncpg pool, which the hot paths and the saga's handlers run on.
"""

from collections.abc import AsyncIterator
from functools import partial
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from order_service.main import create_app
from service_kit.pg import Database
from service_kit.pytest_fixtures import ServiceUnderTest
from service_kit.testing import TokenMinter, load_test_module
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

factories = load_test_module(__file__, "factories.py", "order_service_tests_factories")


@pytest.fixture(scope="session")
async def cart_service() -> AsyncIterator[Any]:
    stand_in = factories.CartStandIn()
    await stand_in.start()
    yield stand_in
    await stand_in.stop()


@pytest.fixture(scope="session")
def service_under_test(cart_service: Any) -> ServiceUnderTest:
    return ServiceUnderTest(
        name="order",
        directory=Path(__file__).resolve().parents[1],
        settings=partial(factories.order_settings, cart_url=cart_service.url),
        create_app=create_app,
    )


@pytest.fixture(scope="session")
def pool(app: FastAPI, client: httpx.AsyncClient) -> Database:
    """The running app's asyncpg pool (asking for `client` first starts its lifespan)."""
    database: Database = app.state.kit.database
    return database


@pytest.fixture
def shop(
    client: httpx.AsyncClient,
    minter: TokenMinter,
    cart_service: Any,
    sessions: async_sessionmaker[AsyncSession],
    pool: Database,
) -> Any:
    return factories.Shop(client, minter, cart_service, sessions, pool)
