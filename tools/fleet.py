"""The whole platform as real processes on spare ports, for system tests and benchmarks.

Each service gets a database of its own with a suffix (`shop_order_systest`), the test
RabbitMQ virtual host and Redis database of the environment, and the URLs of its peers.
"""

import asyncio
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass, field

import asyncpg
import httpx
from service_kit.testing import free_port

from platform_services import ROOT, Service, present

ADMIN_URL = os.environ.get("POSTGRES_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


@dataclass
class Fleet:
    db_suffix: str = field(
        default_factory=lambda: "_systest" + os.environ.get("SHOP_TEST_DB_SUFFIX", "")
    )
    env: dict[str, str] = field(default_factory=dict)
    services: list[Service] = field(default_factory=present)
    procs: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    admin_email: str = "admin@systest.local"
    admin_password: str = "systest-admin-password"

    ports: dict[str, int] = field(default_factory=dict)

    def port(self, service: Service) -> int:
        """A port free when first asked, kept for the fleet's life (never a fixed one, which
        another process on the machine may hold)."""
        if service.name not in self.ports:
            self.ports[service.name] = free_port()
        return self.ports[service.name]

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.port(self.service(name))}"

    @property
    def gateway(self) -> str:
        return self.url("api-gateway")

    def service(self, name: str) -> Service:
        return next(s for s in self.services if s.name == name or s.short == name)

    def database(self, service: Service) -> str:
        return f"shop_{service.short.replace('-', '_')}{self.db_suffix}"

    def service_env(self, service: Service) -> dict[str, str]:
        env = {
            **os.environ,
            "ENV": os.environ.get("ENV", "test"),
            "PORT": str(self.port(service)),
            "HOST": "127.0.0.1",
            "JWKS_URL": f"{self.url('auth')}/api/auth/.well-known/jwks.json",
            "CART_URL": self.url("cart") if self._has("cart") else "http://127.0.0.1:1",
            "ACCESS_LOG": "false",
            **self.env,
        }
        if service.has_database:
            env["DATABASE_NAME"] = self.database(service)
            env["DATABASE_USER"] = self.database(service)
        for other in self.services:
            env[f"{other.short.upper()}_SERVICE_URL"] = self.url(other.name)
        return env

    def _has(self, name: str) -> bool:
        return any(s.short == name for s in self.services)

    # --- lifecycle -------------------------------------------------------------------------

    def prepare(self) -> None:
        """Fresh databases for every service, migrated; an admin account."""
        asyncio.run(self._drop_databases(s for s in self.services if s.has_database))
        migrations = [
            subprocess.Popen(
                [sys.executable, "-m", s.package, "migrate"],
                env=self.service_env(s),
                cwd=ROOT,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
            )
            for s in self.services
            if s.has_database
        ]
        for proc in migrations:
            out, _ = proc.communicate(timeout=180)
            if proc.returncode != 0:
                raise RuntimeError(f"migration failed: {out.decode()[-3000:]}")
        self.manage(
            "auth", "create-admin", "--email", self.admin_email, "--password", self.admin_password
        )

    async def _drop_databases(self, services: Iterable[Service]) -> None:
        conn = await asyncpg.connect(ADMIN_URL)
        try:
            for service in services:
                name = self.database(service)
                await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await conn.close()

    def manage(self, name: str, *args: str) -> str:
        service = self.service(name)
        result = subprocess.run(
            [sys.executable, "-m", service.package, *args],
            env=self.service_env(service),
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
            timeout=300,
        )
        if result.returncode != 0:
            raise RuntimeError(f"{service.name} {args}: {result.stdout}{result.stderr}")
        return result.stdout

    def log_path(self, service: Service) -> str:
        return os.path.join(tempfile.gettempdir(), f"shop{self.db_suffix}-{service.short}.log")

    def start(self, name: str) -> None:
        service = self.service(name)
        log = open(self.log_path(service), "ab")  # noqa: SIM115 (the child owns it)
        self.procs[service.name] = subprocess.Popen(
            [sys.executable, "-m", service.package, "serve"],
            env=self.service_env(service),
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )

    def start_all(self, timeout: float = 60.0) -> None:
        for service in self.services:
            self.start(service.name)
        self.wait_ready([s.name for s in self.services], timeout)

    def wait_ready(self, names: list[str], timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        pending = set(names)
        while pending and time.monotonic() < deadline:
            for name in list(pending):
                service = self.service(name)
                proc = self.procs.get(service.name)
                if proc is not None and proc.poll() is not None:
                    raise RuntimeError(f"{service.name} exited: {self.tail(service)}")
                path = "/ready" if service.has_database else "/health"
                try:
                    if httpx.get(self.url(name) + path, timeout=1).status_code == 200:
                        pending.discard(name)
                except httpx.HTTPError:
                    pass
            time.sleep(0.1)
        if pending:
            raise RuntimeError(f"not ready: {pending}")

    def tail(self, service: Service, chars: int = 3000) -> str:
        try:
            with open(self.log_path(service)) as f:
                return f.read()[-chars:]
        except OSError:
            return ""

    def stop(self, name: str, kill: bool = False) -> None:
        service = self.service(name)
        proc = self.procs.pop(service.name, None)
        if proc is None or proc.poll() is not None:
            return
        if kill:
            proc.kill()
        else:
            proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)

    def restart(self, name: str, kill: bool = False) -> None:
        self.stop(name, kill=kill)
        self.start(name)
        self.wait_ready([name])

    def stop_all(self) -> None:
        for name in list(self.procs)[::-1]:
            self.stop(name)
