"""Test-wide setup: every test talks to the machine's real PostgreSQL, RabbitMQ and Redis.

Each test run gets a RabbitMQ virtual host of its own (made at the start, deleted at the end),
and Redis database 15, so tests never disturb a platform started with `make run` on the same
machine, nor another test run.

The services' suites take their session fixtures (app, client, database, minter…) from the kit's
plugin `service_kit.pytest_fixtures`, each naming its service in a `service_under_test` fixture.
"""

import os
import shutil
import subprocess

import pytest

pytest_plugins = ["service_kit.pytest_fixtures"]

TEST_VHOST = os.environ.setdefault("SHOP_TEST_VHOST", f"shop_test_{os.getpid()}")

os.environ.setdefault("ENV", "test")
os.environ.setdefault("AMQP_URL", f"amqp://guest:guest@127.0.0.1:5672/{TEST_VHOST}")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/15")
# Every suite's app stays up for the whole run, beside the system tests' fleet: small pools keep
# them all within PostgreSQL's connection limit.
os.environ.setdefault("DB_POOL_SIZE", "4")


def _rabbitmqctl(*args: str) -> None:
    subprocess.run(["rabbitmqctl", "-q", *args], check=False, capture_output=True, timeout=60)


def pytest_sessionstart(session: object) -> None:
    if not shutil.which("rabbitmqctl"):
        return
    _rabbitmqctl("add_vhost", TEST_VHOST)
    _rabbitmqctl("set_permissions", "-p", TEST_VHOST, "guest", ".*", ".*", ".*")


def pytest_sessionfinish(session: object, exitstatus: int) -> None:
    if shutil.which("rabbitmqctl") and TEST_VHOST.startswith("shop_test_"):
        _rabbitmqctl("delete_vhost", TEST_VHOST)


def pytest_collection_modifyitems(config: object, items: list[pytest.Item]) -> None:
    """Browser tests run last: Playwright's sync API owns the main thread's event loop from its
    start to the end of the run, and the suites before it call asyncio.run in their fixtures."""
    browser = [item for item in items if "tests/browser/" in item.nodeid]
    if browser:
        items[:] = [item for item in items if item not in browser] + browser
