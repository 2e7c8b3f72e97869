"""Test-wide setup: every test talks to the machine's real PostgreSQL, RabbitMQ and Redis.

Tests use their own RabbitMQ virtual host (recreated empty for each run) and Redis database, so
they never disturb a platform started with `make run` on the same machine.
"""

import os
import shutil
import subprocess

TEST_VHOST = "shop_test"

os.environ.setdefault("ENV", "test")
os.environ.setdefault("AMQP_URL", f"amqp://guest:guest@127.0.0.1:5672/{TEST_VHOST}")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/15")


def _rabbitmqctl(*args: str) -> None:
    subprocess.run(["rabbitmqctl", "-q", *args], check=False, capture_output=True, timeout=60)


def pytest_sessionstart(session: object) -> None:
    if os.environ.get("PYTEST_XDIST_WORKER") or not shutil.which("rabbitmqctl"):
        return
    _rabbitmqctl("delete_vhost", TEST_VHOST)
    _rabbitmqctl("add_vhost", TEST_VHOST)
    _rabbitmqctl("set_permissions", "-p", TEST_VHOST, "guest", ".*", ".*", ".*")
    import redis

    redis.Redis.from_url(os.environ["REDIS_URL"]).flushdb()
