"""Auth tests run against the machine's PostgreSQL (database shop_auth_test), RabbitMQ and Redis.

One app (and its lifespan) serves the whole session; every test makes its own accounts, so tests
do not depend on each other's data. The session fixtures (app, client, database, sessions…) come
from `service_kit.pytest_fixtures`; the service signs its own tokens, so no minter is installed.
"""

from pathlib import Path
from typing import Any

import httpx
import pytest
from auth_service.main import create_app
from auth_service.service import Tokens
from fastapi import FastAPI
from service_kit.pytest_fixtures import ServiceUnderTest
from service_kit.testing import load_test_module
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

factories = load_test_module(__file__, "factories.py", "auth_service_tests_factories")


@pytest.fixture(scope="session")
def service_under_test() -> ServiceUnderTest:
    return ServiceUnderTest(
        name="auth",
        directory=Path(__file__).resolve().parents[1],
        settings=factories.settings_for_tests,
        create_app=create_app,
        install_minter=False,
    )


@pytest.fixture(scope="session")
def tokens(app: FastAPI, client: httpx.AsyncClient) -> Tokens:
    tokens: Tokens = app.state.kit.extra["tokens"]
    return tokens


@pytest.fixture
def factory(client: httpx.AsyncClient, sessions: async_sessionmaker[AsyncSession]) -> Any:
    return factories.AuthFactory(client, sessions)
