"""Product tests run against the machine's PostgreSQL (database shop_product_test), RabbitMQ
(a virtual host of this suite's own) and Redis.

One app (and its lifespan: outbox relay, consumer) serves the whole session. Search tests need
an exact catalog, so every test starts from an empty one. The session fixtures (app, client,
database, minter, sessions…) come from `service_kit.pytest_fixtures`.
"""

from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from product_service.consumers import handlers
from product_service.dependencies import SEARCH_CACHE, SEARCH_INDEX
from product_service.main import create_app
from service_kit.consumer import handle_event
from service_kit.pytest_fixtures import ServiceUnderTest
from service_kit.testing import TokenMinter, load_test_module
from shop_contracts import Envelope
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

factories = load_test_module(__file__, "factories.py", "product_service_tests_factories")


@pytest.fixture(scope="session")
def service_under_test() -> ServiceUnderTest:
    return ServiceUnderTest(
        name="product",
        directory=Path(__file__).resolve().parents[1],
        settings=factories.settings_for_tests,
        create_app=create_app,
    )


@pytest.fixture
async def empty_catalog(
    app: FastAPI, sessions: async_sessionmaker[AsyncSession]
) -> async_sessionmaker[AsyncSession]:
    async with sessions() as session, session.begin():
        await session.execute(text("TRUNCATE products, outbox, inbox"))
    app.state.kit.extra[SEARCH_CACHE].clear()
    # At once, rather than when the truncate's notification arrives.
    await app.state.kit.extra[SEARCH_INDEX].rebuild()
    return sessions


@pytest.fixture
def catalog(
    client: httpx.AsyncClient, minter: TokenMinter, empty_catalog: object
) -> "factories.Catalog":
    return factories.Catalog(client, minter)


@pytest.fixture
def deliver(app: FastAPI, empty_catalog: async_sessionmaker[AsyncSession]) -> Any:
    """Hand an event to the service's handlers, as its consumer does."""

    async def deliver(envelope: Envelope) -> bool:
        return await handle_event(app.state.kit.database, handlers, envelope)

    return deliver
