"""Product tests run against the machine's PostgreSQL (database shop_product_test), RabbitMQ
(a virtual host of this suite's own) and Redis.

One app (and its lifespan: outbox relay, consumer) serves the whole session. Search tests need
an exact catalog, so every test starts from an empty one.
"""

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from product_service.config import ProductSettings
from product_service.dependencies import SEARCH_CACHE
from product_service.main import create_app
from service_kit.testing import (
    TokenMinter,
    app_client,
    load_test_module,
    prepare_database,
    private_vhost,
)
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

SERVICE_DIR = Path(__file__).resolve().parents[1]


factories = load_test_module(__file__, "factories.py", "product_service_tests_factories")


@pytest.fixture(scope="session")
def amqp_url() -> Iterator[str]:
    """This suite's own broker: other suites' live consumers never take its events."""
    with private_vhost("product") as url:
        yield url


@pytest.fixture(scope="session")
def settings(amqp_url: str) -> ProductSettings:
    return factories.settings_for_tests(amqp_url=amqp_url)


@pytest.fixture(scope="session")
async def database(settings: ProductSettings) -> ProductSettings:
    await prepare_database(settings, SERVICE_DIR)
    return settings


@pytest.fixture(scope="session")
def app(database: ProductSettings) -> FastAPI:
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
async def empty_catalog(
    app: FastAPI, sessions: async_sessionmaker[AsyncSession]
) -> async_sessionmaker[AsyncSession]:
    async with sessions() as session, session.begin():
        await session.execute(text("TRUNCATE products, search_terms, outbox, inbox"))
    app.state.kit.extra[SEARCH_CACHE].clear()
    return sessions


@pytest.fixture
def catalog(
    client: httpx.AsyncClient, minter: TokenMinter, empty_catalog: object
) -> "factories.Catalog":
    return factories.Catalog(client, minter)
