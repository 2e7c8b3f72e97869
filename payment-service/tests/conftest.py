"""Payment tests run against the machine's PostgreSQL (database shop_payment_test) and RabbitMQ.

One app (and its lifespan: outbox relay, consumer) serves the whole session; every test makes
its own users and orders, so tests do not depend on each other's data. Tests that change the
processor switch reset it when they end. The session fixtures (app, client, database, minter,
sessions…) come from `service_kit.pytest_fixtures`.

The broker is a virtual host of the payment tests' own (`<run's vhost>_payment`, deleted at
the end). In the shared test vhost, other services' test apps of the same pytest run are live too:
inventory's would answer our payment.success about unknown products with stock.insufficient,
and our consumer would refund payments while a test is looking at them.
"""

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from payment_service.config import PaymentSettings
from payment_service.consumers import build_handlers
from payment_service.main import create_app
from service_kit.consumer import Handlers
from service_kit.pytest_fixtures import ServiceUnderTest
from service_kit.testing import TokenMinter, load_test_module
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

factories = load_test_module(__file__, "factories.py", "payment_service_tests_factories")


@pytest.fixture(scope="session")
def service_under_test() -> ServiceUnderTest:
    return ServiceUnderTest(
        name="payment",
        directory=Path(__file__).resolve().parents[1],
        settings=factories.service_settings,
        create_app=create_app,
    )


@pytest.fixture(scope="session")
def handlers(settings: PaymentSettings) -> Handlers:
    return build_handlers(settings)


@pytest.fixture
def shop(
    app: FastAPI,
    client: httpx.AsyncClient,
    minter: TokenMinter,
    sessions: async_sessionmaker[AsyncSession],
    handlers: Handlers,
) -> Any:
    return factories.PaymentShop(client, minter, sessions, handlers, app.state.kit.database)


@pytest.fixture
async def switch(shop: Any) -> AsyncIterator[Any]:
    """Change the processor switch as an admin would; it is reset after the test."""
    yield shop.set_switch
    await shop.reset_switch()
