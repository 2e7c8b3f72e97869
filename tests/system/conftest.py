"""System tests: every service as a real process, real PostgreSQL and RabbitMQ, through the
gateway. One fleet is started for the whole session (about 15 s)."""

import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools"))

from fleet import Fleet
from shopper import Shopper, log_in

CHECKOUT_FLEET = {"auth", "product", "cart", "order", "payment", "inventory", "api-gateway"}


@pytest.fixture(scope="session")
def fleet() -> Iterator[Fleet]:
    # The services believe the gateway (on loopback) about each client's address.
    env = {
        "RATE_LIMIT_ENABLED": "false",
        "LOG_LEVEL": "WARNING",
        "FORWARDED_ALLOW_IPS": "127.0.0.1",
    }
    fleet = Fleet(env=env)
    missing = CHECKOUT_FLEET - {s.short for s in fleet.services}
    if missing:
        pytest.fail(f"services missing from the checkout: {sorted(missing)}")
    fleet.prepare()
    try:
        # A loaded machine can take minutes to start seven Python processes.
        fleet.start_all(timeout=240)
        yield fleet
    finally:
        fleet.stop_all()


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
