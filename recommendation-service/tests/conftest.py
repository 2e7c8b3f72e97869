"""Recommendation tests run against the machine's PostgreSQL (database
shop_recommendation_test), RabbitMQ and Redis, and Gemini's API as a local fake HTTP server on
loopback that the real SDK talks to.

One app (with its lifespan: event consumer, model refresher) serves the whole session without
a Gemini key; tests that need Gemini start an app of their own with a key. Every test makes its
own products and customers. The session fixtures (app, client, database, minter…) come from
`service_kit.pytest_fixtures`.
"""

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio
from fastapi import FastAPI
from recommendation_service.main import create_app
from service_kit.pytest_fixtures import ServiceUnderTest
from service_kit.testing import TokenMinter, load_test_module

factories = load_test_module(__file__, "factories.py", "recommendation_service_tests_factories")
fake_gemini = load_test_module(__file__, "fake_gemini.py", "recommendation_service_tests_gemini")


@pytest.fixture(scope="session")
def service_under_test() -> ServiceUnderTest:
    return ServiceUnderTest(
        name="recommendation",
        directory=Path(__file__).resolve().parents[1],
        settings=factories.test_settings,
        create_app=create_app,
    )


@pytest.fixture
def factory(app: FastAPI, client: httpx.AsyncClient, minter: TokenMinter) -> Any:
    return factories.RecommendationFactory(app, client, minter)


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def gemini_server() -> AsyncIterator[Any]:
    async with fake_gemini.FakeGemini() as server:
        yield server


@pytest.fixture
def gemini(gemini_server: Any) -> Any:
    gemini_server.reset()
    return gemini_server
