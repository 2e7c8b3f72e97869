"""The cross-service suites (system and browser tests) share one fleet: every service as a real
process on a free port, with real PostgreSQL and RabbitMQ, reached through the gateway. It starts
when a test first asks for it and stops at the end of the run; the demo catalog is seeded, and
each test makes its own users and products besides.
"""

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))

from fleet import Fleet

CHECKOUT_FLEET = {"auth", "product", "cart", "order", "payment", "inventory", "api-gateway"}


@pytest.fixture(scope="session")
def fleet() -> Iterator[Fleet]:
    # The services believe the gateway (on loopback) about each client's address.
    env = {
        "RATE_LIMIT_ENABLED": "false",
        "LOG_LEVEL": "WARNING",
        "FORWARDED_ALLOW_IPS": "127.0.0.1",
        # Every test client signs in from 127.0.0.1, and the failed attempts of earlier suites
        # stay counted in Redis for the window: only the per-account limit is under test here.
        "LOGIN_MAX_FAILURES_PER_ADDRESS": "1000000",
    }
    fleet = Fleet(env=env)
    missing = CHECKOUT_FLEET - {s.short for s in fleet.services}
    if missing:
        pytest.fail(f"services missing from the checkout: {sorted(missing)}")
    fleet.prepare()
    fleet.manage("product", "seed")
    try:
        # A loaded machine can take minutes to start nine Python processes.
        fleet.start_all(timeout=240)
        yield fleet
    finally:
        fleet.stop_all()
