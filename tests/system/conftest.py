"""System tests: every service as a real process, real PostgreSQL and RabbitMQ, through the
gateway, on the fleet of tests/conftest.py."""

import sys
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools"))

from fleet import Fleet
from shopper import Shopper, log_in


@pytest.fixture
async def client(fleet: Fleet) -> AsyncIterator[httpx.AsyncClient]:
    # Idle connections are dropped before uvicorn's 5 s keep-alive ends, so the client never
    # reuses one the gateway is closing at that moment (a read error otherwise).
    limits = httpx.Limits(max_connections=100, max_keepalive_connections=100, keepalive_expiry=2)
    async with httpx.AsyncClient(base_url=fleet.gateway, timeout=30, limits=limits) as c:
        yield c


@pytest.fixture
async def admin(client: httpx.AsyncClient, fleet: Fleet) -> Shopper:
    return await log_in(client, fleet.admin_email, fleet.admin_password)
