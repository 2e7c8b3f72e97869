"""What every service gets from the kit against hostile or clumsy clients: bounded validation
errors, its own body limit, abandoned requests counted as 499, client addresses only from
trusted forwarders, and no documents or metrics where they must not be public."""

import asyncio
import socket
import time
import urllib.error
import urllib.request
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import orjson
import pytest
from fastapi import APIRouter, FastAPI, Request
from prometheus_client import REGISTRY
from pydantic import BaseModel, ConfigDict, Field
from service_kit.app import create_service_app
from service_kit.config import ServiceSettings
from service_kit.contract_testing import LiveServer
from service_kit.metrics import MetricsServer
from service_kit.testing import app_client, free_port


class Gadget(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1)
    price_cents: int = Field(gt=0)


router = APIRouter()
released = asyncio.Event()


@router.post("/gadgets", status_code=201)
async def create_gadget(gadget: Gadget) -> Gadget:
    return gadget


@router.post("/raw")
async def raw(request: Request) -> dict[str, int]:
    return {"length": len(await request.body())}


@router.get("/whoami")
async def whoami(request: Request) -> dict[str, str]:
    assert request.client is not None
    return {"host": request.client.host, "scheme": request.url.scheme}


def make_app(**overrides: Any) -> FastAPI:
    public = {k: overrides.pop(k) for k in ("public_docs", "public_metrics") if k in overrides}
    settings = ServiceSettings(
        service_name="kithard-service", database_name="shop_kit_test", env="test", **overrides
    )
    return create_service_app(
        settings, title="kit hardening", routers=[router], database=False, publishes=False, **public
    )


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with app_client(make_app(max_body_bytes=4096)) as c:
        yield c


# Validation errors


async def test_thousands_of_validation_errors_make_a_small_answer_naming_the_first_ones():
    keys = {f"k{n:05d}": 0 for n in range(90_000)}  # about 1 MB of unknown keys
    body = orjson.dumps({"name": "", **keys})
    assert len(body) < 1024 * 1024
    async with app_client(make_app()) as client:
        resp = await client.post(
            "/gadgets", content=body, headers={"content-type": "application/json"}
        )

    assert resp.status_code == 422
    assert len(resp.content) < 8_000
    error = resp.json()["error"]
    details = error["details"]
    assert len(details) == 21
    assert [d["field"] for d in details[:3]] == ["name", "price_cents", "k00000"]
    total = 2 + 90_000  # name too short, price missing, every unknown key
    assert details[-1] == {  # (exclude_none leaves out an empty field)
        "message": f"{total - 20} more errors not shown.",
        "type": "more_errors",
        "count": total - 20,
    }
    assert error["message"].endswith(" and more.")
    assert len(error["message"]) < 1000


async def test_a_long_field_name_is_clipped_in_the_answer(client):
    resp = await client.post("/gadgets", json={"name": "x", "price_cents": 1, "k" * 3000: 1})
    [detail] = resp.json()["error"]["details"]
    assert detail["field"].startswith("kkk") and len(detail["field"]) == 200


# Body limit


async def test_a_declared_body_over_the_services_limit_is_413(client):
    resp = await client.post("/raw", content=b"x" * 5000)
    assert resp.status_code == 413
    error = resp.json()["error"]
    assert error["code"] == "payload_too_large"
    assert "4096" in error["message"]
    assert (await client.post("/raw", content=b"x" * 4096)).json() == {"length": 4096}


async def test_a_streamed_body_over_the_services_limit_is_413(client):
    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(10):
            yield b"y" * 1000

    resp = await client.post("/raw", content=chunks())
    assert resp.status_code == 413
    assert resp.json()["error"]["code"] == "payload_too_large"
    resp = await client.post(
        "/gadgets", content=chunks(), headers={"content-type": "application/json"}
    )
    assert resp.status_code == 413


@pytest.fixture
def live() -> Iterator[LiveServer]:
    with LiveServer(make_app(max_body_bytes=4096)) as server:
        yield server


@pytest.mark.parametrize("size", [40_000, 12 * 1024 * 1024])
def test_a_client_that_sends_its_whole_body_first_reads_the_413(size: int):
    """urllib writes the whole body before reading: the server drains it, then answers."""
    with LiveServer(make_app(max_body_bytes=1024 * 1024 if size > 40_000 else 4096)) as live:
        for _ in range(3):
            request = urllib.request.Request(live.url + "/raw", data=b"z" * size, method="POST")
            with pytest.raises(urllib.error.HTTPError) as refused:
                urllib.request.urlopen(request, timeout=10)
            assert refused.value.code == 413
            assert orjson.loads(refused.value.read())["error"]["code"] == "payload_too_large"


# Abandoned requests


def _count(route: str, status: str) -> float:
    labels = {"method": "POST", "route": route, "status": status}
    return REGISTRY.get_sample_value("http_requests_total", labels) or 0.0


def test_a_request_its_client_abandons_is_counted_as_499_not_500(live: LiveServer):
    before_499, before_500 = _count("/raw", "499"), _count("/raw", "500")
    with socket.create_connection(("127.0.0.1", live.port), timeout=5) as sock:
        sock.sendall(b"POST /raw HTTP/1.1\r\nHost: kit\r\nContent-Length: 1000\r\n\r\npartial")
        time.sleep(0.2)
    deadline = time.monotonic() + 5
    while _count("/raw", "499") == before_499 and time.monotonic() < deadline:
        time.sleep(0.02)

    assert _count("/raw", "499") == before_499 + 1
    assert _count("/raw", "500") == before_500


# Client addresses


async def test_forwarding_headers_are_ignored_unless_the_peer_is_a_trusted_forwarder():
    spoofed = {"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"}
    async with app_client(make_app()) as client:  # trusts no one (the default)
        assert (await client.get("/whoami", headers=spoofed)).json() == {
            "host": "127.0.0.1",
            "scheme": "http",
        }
    async with app_client(make_app(forwarded_allow_ips="10.0.0.0/8, 127.0.0.1")) as client:
        assert (await client.get("/whoami", headers=spoofed)).json() == {
            "host": "203.0.113.9",
            "scheme": "https",
        }
        # The gateway's own entry is the right-most; what a client wrote before it is not used.
        chained = {"X-Forwarded-For": "198.51.100.1, 203.0.113.9"}
        assert (await client.get("/whoami", headers=chained)).json()["host"] == "203.0.113.9"


# Public documents and metrics


async def test_without_public_docs_and_metrics_none_is_served():
    async with app_client(make_app(public_docs=False, public_metrics=False)) as client:
        for path in ("/docs", "/redoc", "/openapi.json", "/metrics"):
            assert (await client.get(path)).status_code == 404, path
        assert (await client.get("/health")).status_code == 200


def test_the_metrics_server_serves_metrics_on_its_own_port():
    port = free_port()
    server = MetricsServer("127.0.0.1", port)
    server.start()
    try:
        page = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=5)
        assert page.status_code == 200
        assert "http_requests_total" in page.text
    finally:
        server.stop()
