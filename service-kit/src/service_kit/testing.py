"""Helpers for tests against the real PostgreSQL, RabbitMQ and Redis of the machine.

- `prepare_database`: a fresh, migrated database for a service's tests.
- `app_client`: runs an app's lifespan and gives an httpx client bound to it in-process.
- `TokenMinter`: a signing key under a `kid` of the test's own, to mint access tokens a service
  will accept (the service's verifier is given the minter's JWKS), and hostile tokens for
  negative tests (`impostor()` signs under the same `kid` with another key).
- `ServiceProcess`: a service as a real process on a port, for gateway and system tests.
- `private_vhost`: a RabbitMQ virtual host of one test suite's own, so the live consumers of
  other suites in the same pytest run never take its events.
"""

import asyncio
import base64
import importlib.util
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

import aio_pika
import httpx
import jwt
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi import FastAPI
from shop_contracts import Envelope
from sqlalchemy import MetaData
from sqlalchemy.ext.asyncio import create_async_engine

from service_kit.auth import ACCESS_TOKEN_ALGORITHM, ACCESS_TOKEN_KEY_TYPE, ACCESS_TOKEN_TYPE
from service_kit.config import ServiceSettings
from service_kit.db import drop_database, ensure_database
from service_kit.migrations import OUTBOX_PENDING_INDEX_NAME, upgrade
from service_kit.topology import EXCHANGE


async def prepare_database(settings: ServiceSettings, service_dir: Path) -> None:
    """Drop and recreate the service's test database, then migrate it to head."""
    assert settings.env == "test", "refusing to drop a database outside ENV=test"
    await drop_database(settings)
    await ensure_database(settings)
    await asyncio.to_thread(upgrade, service_dir, settings)


@asynccontextmanager
async def app_client(
    app: FastAPI, base_url: str = "http://service"
) -> AsyncIterator[httpx.AsyncClient]:
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url=base_url) as client:
            yield client


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _b64_uint(value: int) -> str:
    return _b64(value.to_bytes((value.bit_length() + 7) // 8, "big"))


@cache
def _rsa_key(name: str) -> rsa.RSAPrivateKey:
    """One RSA key per name and process: generating one takes tens of milliseconds."""
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


async def schema_drift(settings: ServiceSettings, metadata: MetaData) -> list[Any]:
    """How the migrated database differs from what the models declare (Alembic's comparison,
    column types included): empty when the migrations build exactly the models. The kit's
    partial outbox index, made by the migration helper outside any metadata, is left out."""

    def include(name: str | None, kind: str, _: Any) -> bool:
        return not (kind == "index" and name == OUTBOX_PENDING_INDEX_NAME)

    engine = create_async_engine(settings.sqlalchemy_url)
    try:
        async with engine.connect() as connection:
            context_options = {"compare_type": True, "include_name": include}
            diff: list[Any] = await connection.run_sync(
                lambda sync: compare_metadata(
                    MigrationContext.configure(sync, opts=context_options), metadata
                )
            )
    finally:
        await engine.dispose()
    return diff


async def publish_envelope(amqp_url: str, envelope: Envelope, *, times: int = 1) -> None:
    """Publish an event on the platform's exchange as a producer's relay would (persistent, with
    confirms), `times` times with the same id: for tests of a running consumer."""
    connection = await aio_pika.connect(amqp_url)
    async with connection:
        channel = await connection.channel(publisher_confirms=True)
        exchange = await channel.get_exchange(EXCHANGE)
        message = aio_pika.Message(
            envelope.model_dump_json().encode(),
            message_id=str(envelope.id),
            content_type="application/json",
            delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
        )
        for _ in range(times):
            await exchange.publish(message, routing_key=envelope.type)


class TokenMinter:
    """Access tokens signed under a `kid` of this minter's own.

    Minters share an RSA key per `key` name within a process (key generation is slow), so two
    minters with the default key differ by `kid` only. A token signed by another key under a
    trusted `kid` comes from `impostor()`; `key="untrusted"` gives a key no default minter has.
    """

    def __init__(
        self, issuer: str = "shop-auth", audience: str = "shop", *, key: str = "test"
    ) -> None:
        self.issuer = issuer
        self.audience = audience
        self.kid = f"test-{uuid.uuid4().hex[:8]}"
        self.key_name = key
        self.private_key = _rsa_key(key)

    def impostor(self) -> "TokenMinter":
        """A minter with this one's `kid`, issuer and audience but another key."""
        impostor = TokenMinter(self.issuer, self.audience, key=f"{self.key_name}+impostor")
        impostor.kid = self.kid
        return impostor

    @property
    def jwks(self) -> dict[str, Any]:
        numbers = self.private_key.public_key().public_numbers()
        jwk = {
            "kty": ACCESS_TOKEN_KEY_TYPE,
            "n": _b64_uint(numbers.n),
            "e": _b64_uint(numbers.e),
            "kid": self.kid,
            "use": "sig",
            "alg": ACCESS_TOKEN_ALGORITHM,
        }
        return {"keys": [jwk]}

    def claims(
        self, user_id: uuid.UUID | None = None, role: str = "customer", **extra: Any
    ) -> dict[str, Any]:
        now = datetime.now(UTC)
        claims: dict[str, Any] = {
            "sub": str(user_id or uuid.uuid4()),
            "role": role,
            "sid": uuid.uuid4().hex,
            "jti": uuid.uuid4().hex,
            "iss": self.issuer,
            "aud": self.audience,
            "iat": now,
            "exp": now + timedelta(minutes=15),
        }
        claims.update(extra)
        return claims

    def token(self, user_id: uuid.UUID | None = None, role: str = "customer", **extra: Any) -> str:
        return jwt.encode(
            self.claims(user_id, role, **extra),
            self.private_key,
            algorithm=ACCESS_TOKEN_ALGORITHM,
            headers={"kid": self.kid, "typ": ACCESS_TOKEN_TYPE},
        )

    def headers(self, user_id: uuid.UUID | None = None, role: str = "customer") -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(user_id, role)}"}

    def install(self, app: FastAPI) -> None:
        """Make a running app's verifier trust this minter's key (after lifespan start)."""
        app.state.kit.verifier.set_keys(self.jwks)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class ServiceProcess:
    """`python -m <module> serve` as a child process with the given environment."""

    def __init__(
        self, module: str, port: int, env: dict[str, str], name: str | None = None
    ) -> None:
        self.module = module
        self.port = port
        self.env = {**os.environ, **env, "PORT": str(port)}
        self.name = name or module
        self.proc: subprocess.Popen[bytes] | None = None
        self.log_path = Path(tempfile.gettempdir()) / f"shop-test-{self.name}-{port}.log"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, wait_path: str = "/health", timeout: float = 30.0) -> "ServiceProcess":
        log = self.log_path.open("wb")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", self.module, "serve"],
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited: {self.log_path.read_text()[-3000:]}")
            try:
                if httpx.get(self.url + wait_path, timeout=1).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"{self.name} did not become ready: {self.log_path.read_text()[-3000:]}")

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(sig)
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(5)

    def kill(self) -> None:
        self.stop(signal.SIGKILL)


def _rabbitmqctl(*args: str) -> bool:
    result = subprocess.run(
        ["rabbitmqctl", "-q", *args], capture_output=True, check=False, timeout=60
    )
    return result.returncode == 0


@contextmanager
def private_vhost(suite: str) -> Iterator[str]:
    """AMQP URL of a fresh virtual host `<run's vhost>_<suite>`, deleted afterwards."""
    shared = os.environ.get("AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/shop_test")
    base, _, vhost = shared.rpartition("/")
    private = f"{vhost or 'shop_test'}_{suite}"
    _rabbitmqctl("delete_vhost", private)
    if not (
        _rabbitmqctl("add_vhost", private)
        and _rabbitmqctl("set_permissions", "-p", private, "guest", ".*", ".*", ".*")
    ):
        raise RuntimeError(f"could not create the RabbitMQ virtual host {private}")
    try:
        yield f"{base}/{private}"
    finally:
        _rabbitmqctl("delete_vhost", private)


def test_database(service: str) -> str:
    """The test database of a service's suite, e.g. `shop_auth_test`.

    `SHOP_TEST_DB_SUFFIX` (empty by default) is appended, so two clones on one machine can run
    their tests at the same time without dropping each other's databases.
    """
    return f"shop_{service}_test{os.environ.get('SHOP_TEST_DB_SUFFIX', '')}"


def load_test_module(conftest_file: str, filename: str, module_name: str) -> ModuleType:
    """Import a suite's helper module (e.g. factories.py beside its conftest.py).

    Tests run with --import-mode=importlib, where test folders are not importable; a module
    name unique to the service keeps one suite's factories apart from another's."""
    path = Path(conftest_file).with_name(filename)
    spec = importlib.util.spec_from_file_location(module_name, path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    spec.loader.exec_module(module)
    return module
