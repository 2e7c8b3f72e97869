"""Cart tests run against the machine's PostgreSQL (database shop_cart_test), RabbitMQ and
Redis.

One app (with its lifespan: outbox relay and event consumer) serves the whole session; every
test makes its own products and shoppers, so tests do not depend on each other's data. The
session fixtures (app, client, database, minter, sessions…) come from
`service_kit.pytest_fixtures`.
"""

from pathlib import Path
from typing import Any

import httpx
import pytest
from cart_service.main import create_app
from fastapi import FastAPI
from service_kit.pytest_fixtures import ServiceUnderTest
from service_kit.testing import TokenMinter, load_test_module
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

factories = load_test_module(__file__, "factories.py", "cart_service_tests_factories")


@pytest.fixture(scope="session")
def service_under_test() -> ServiceUnderTest:
    return ServiceUnderTest(
        name="cart",
        directory=Path(__file__).resolve().parents[1],
        settings=factories.test_settings,
        create_app=create_app,
    )


@pytest.fixture
def factory(
    app: FastAPI,
    client: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
    minter: TokenMinter,
) -> Any:
    return factories.CartFactory(client, sessions, minter, app.state.kit.database)
