"""Gateway tests run the real gateway as a process, in front of small real HTTP services.

Each fake service (aiohttp.web, in a thread of its own so tests may block) echoes what reached it:
method, raw path, raw query, headers and a digest of the body; query flags make it sleep, stream,
redirect, compress or answer with a chosen status. A JWKS server publishes the test minter's key,
so the gateway trusts the test's tokens exactly as it trusts the auth service's.
"""

import asyncio
import gzip
import hashlib
import json
import os
import threading
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from aiohttp import web
from api_gateway.config import SERVICES
from service_kit.testing import ServiceProcess, TokenMinter, free_port

FRONTEND = "http://localhost:3000"


def _echo_app(service: str, base_url: str, received: list[tuple[str, str, str]]) -> web.Application:
    async def ready(_: web.Request) -> web.Response:
        return web.json_response({"status": "ready"})

    async def openapi(_: web.Request) -> web.Response:
        return web.json_response({"openapi": "3.1.0", "info": {"title": service}, "paths": {}})

    async def echo(request: web.Request) -> web.StreamResponse:
        path, _, query = request.raw_path.partition("?")
        received.append((service, request.method, request.raw_path))
        flags = request.query
        if "sleep" in flags:
            await asyncio.sleep(float(flags["sleep"]))
        if "stream_kib" in flags:
            stream = web.StreamResponse(headers={"Content-Type": "application/octet-stream"})
            stream.enable_chunked_encoding()
            await stream.prepare(request)
            for i in range(int(flags["stream_kib"])):
                await stream.write(bytes([i % 256]) * 1024)
            await stream.write_eof()
            return stream
        if "big_kib" in flags:
            return web.Response(body=b"x" * 1024 * int(flags["big_kib"]))
        if "redirect" in flags:
            raise web.HTTPFound(f"{base_url}/api/products/moved")
        body = await request.read()
        payload: dict[str, Any] = {
            "service": service,
            "method": request.method,
            "path": path,
            "query": query,
            "headers": [[k.decode().lower(), v.decode()] for k, v in request.raw_headers],
            "body": body.decode("utf-8", "replace") if len(body) <= 4096 else None,
            "body_length": len(body),
            "body_sha256": hashlib.sha256(body).hexdigest(),
        }
        raw = json.dumps(payload).encode()
        headers = {"Content-Type": "application/json", "X-Upstream": service}
        if "gzip" in flags:
            raw = gzip.compress(raw)
            headers["Content-Encoding"] = "gzip"
        response = web.Response(body=raw, status=int(flags.get("status", 200)), headers=headers)
        response.headers.add("Set-Cookie", "first=1; Path=/")
        response.headers.add("Set-Cookie", "second=2; Path=/")
        response.headers["Proxy-Authenticate"] = "Basic realm=upstream"
        return response

    app = web.Application(client_max_size=16 * 1024 * 1024)
    app.router.add_get("/ready", ready)
    app.router.add_get("/openapi.json", openapi)
    app.router.add_route("*", "/{tail:.*}", echo)
    return app


class FakeServices:
    """Eight echoing services and a JWKS endpoint, on free ports, in a background event loop."""

    def __init__(self, minter: TokenMinter) -> None:
        self.minter = minter
        self.urls = {name: f"http://127.0.0.1:{free_port()}" for name in SERVICES}
        self.jwks_url = f"http://127.0.0.1:{free_port()}/jwks.json"
        self.received: list[tuple[str, str, str]] = []
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._runners: list[web.AppRunner] = []

    def start(self) -> "FakeServices":
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._start(), self._loop).result(10)
        return self

    async def _serve(self, app: web.Application, url: str) -> None:
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        port = int(url.split(":")[2].split("/")[0])
        await web.TCPSite(runner, "127.0.0.1", port).start()
        self._runners.append(runner)

    async def _start(self) -> None:
        for name, url in self.urls.items():
            await self._serve(_echo_app(name, url, self.received), url)

        async def keys(_: web.Request) -> web.Response:
            return web.json_response(self.minter.jwks)

        jwks = web.Application()
        jwks.router.add_get("/jwks.json", keys)
        await self._serve(jwks, self.jwks_url)

    def stop(self) -> None:
        async def cleanup() -> None:
            for runner in self._runners:
                await runner.cleanup()

        asyncio.run_coroutine_threadsafe(cleanup(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)

    def reached(self, marker: str) -> bool:
        return any(marker in raw_path for _, _, raw_path in self.received)


def gateway_env(services: FakeServices, **overrides: str) -> dict[str, str]:
    env = {
        "ENV": "test",
        "LOG_LEVEL": "WARNING",
        "JWKS_URL": services.jwks_url,
        "FRONTEND_ORIGIN": FRONTEND,
        "UPSTREAM_TIMEOUT_SECONDS": "1",
        "HEALTH_CACHE_SECONDS": "0",
        "RATE_LIMIT_IP_PER_SECOND": "100000",
        "RATE_LIMIT_IP_BURST": "100000",
        "RATE_LIMIT_USER_PER_SECOND": "100000",
        "RATE_LIMIT_USER_BURST": "100000",
    }
    for name, url in services.urls.items():
        env[f"{name.upper()}_SERVICE_URL"] = url
    env.update(overrides)
    return env


@pytest.fixture(scope="session")
def minter() -> TokenMinter:
    return TokenMinter()


@pytest.fixture(scope="session")
def services(minter: TokenMinter) -> Iterator[FakeServices]:
    fakes = FakeServices(minter).start()
    yield fakes
    fakes.stop()


@pytest.fixture(scope="session")
def gateway(services: FakeServices) -> Iterator[ServiceProcess]:
    process = ServiceProcess("api_gateway", free_port(), gateway_env(services), name="gateway")
    process.start()
    yield process
    process.stop()


@pytest.fixture(scope="session")
def limited_gateway(services: FakeServices) -> Iterator[ServiceProcess]:
    """Low rate limits, and an analytics service that is not running."""
    env = gateway_env(
        services,
        RATE_LIMIT_IP_PER_SECOND="0.5",
        RATE_LIMIT_IP_BURST="25",
        RATE_LIMIT_USER_PER_SECOND="0.1",
        RATE_LIMIT_USER_BURST="3",
        ANALYTICS_SERVICE_URL=f"http://127.0.0.1:{free_port()}",
    )
    process = ServiceProcess("api_gateway", free_port(), env, name="limited-gateway")
    process.start()
    yield process
    process.stop()


@pytest.fixture(scope="session")
def start_gateway(services: FakeServices) -> Iterator[Callable[..., ServiceProcess]]:
    """Starts a gateway of its own with settings overridden (stopped at the session's end)."""
    started: list[ServiceProcess] = []

    def start(name: str, **overrides: str) -> ServiceProcess:
        env = gateway_env(services, **overrides)
        process = ServiceProcess("api_gateway", free_port(), env, name=name)
        started.append(process.start())
        return process

    yield start
    for process in started:
        process.stop()


@pytest.fixture
def client(gateway: ServiceProcess) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=gateway.url, timeout=10) as c:
        yield c


@pytest.fixture
def redis_url() -> str:
    return os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")


ErrorCheck = Callable[[httpx.Response, int, str], dict[str, Any]]


@pytest.fixture
def expect_error() -> ErrorCheck:
    """Asserts a response is the given error, in the contract's error format."""

    def check(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
        assert response.status_code == status, response.text
        body = response.json()
        assert set(body) == {"error"}, body
        error: dict[str, Any] = body["error"]
        assert error["code"] == code, error
        assert error["message"]
        assert error["request_id"] == response.headers["x-request-id"]
        return error

    return check
