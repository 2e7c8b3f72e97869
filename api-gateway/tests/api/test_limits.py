"""Body size, rate limits, and services that are down or slow: each an error in the contract's
format, decided at the gateway."""

import socket
import time
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
from service_kit.body_limit import DRAIN_SECONDS
from service_kit.testing import ServiceProcess, TokenMinter

MIB = 1024 * 1024


def test_a_body_over_the_limit_is_refused_by_its_length(
    client: httpx.Client, services: Any, expect_error: Any
) -> None:
    marker = uuid.uuid4().hex
    response = client.post(f"/api/auth/signup?m={marker}", content=b"x" * (MIB + 1))
    error = expect_error(response, 413, "payload_too_large")
    assert str(MIB) in error["message"]
    assert not services.reached(marker)


def test_a_declared_length_over_the_limit_is_refused_before_the_body_is_sent(
    gateway: ServiceProcess,
) -> None:
    # The gateway waits up to DRAIN_SECONDS for a body that may be on its way before it
    # answers (service_kit.body_limit); this client never sends it.
    with socket.create_connection(("127.0.0.1", gateway.port), timeout=DRAIN_SECONDS + 10) as sock:
        sock.sendall(
            b"POST /api/auth/signup HTTP/1.1\r\nHost: gw\r\n"
            b"Content-Type: application/json\r\nContent-Length: 52428800\r\n\r\n"
        )
        answer = b""
        while b"}}" not in answer and (chunk := sock.recv(4096)):
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 413 ")
    assert b'"code":"payload_too_large"' in answer


def test_a_chunked_body_is_cut_off_at_the_limit(
    client: httpx.Client, minter: TokenMinter, expect_error: Any
) -> None:
    def chunks() -> Iterator[bytes]:
        for _ in range(24):
            yield b"y" * (128 * 1024)  # 3 MiB in all, no Content-Length

    response = client.post("/api/cart/items", content=chunks(), headers=minter.headers())
    expect_error(response, 413, "payload_too_large")


def test_a_body_at_the_limit_passes(client: httpx.Client) -> None:
    echo = client.post("/api/auth/signup", content=b"z" * MIB).json()
    assert echo["body_length"] == MIB


def test_a_slow_service_gives_504(client: httpx.Client, expect_error: Any) -> None:
    started = time.monotonic()
    response = client.get("/api/products?sleep=5")
    error = expect_error(response, 504, "gateway_timeout")
    assert "product" in error["message"]
    assert 0.9 < time.monotonic() - started < 4  # UPSTREAM_TIMEOUT_SECONDS=1


def test_a_service_that_is_down_gives_503(
    limited_gateway: ServiceProcess, minter: TokenMinter, expect_error: Any
) -> None:
    response = httpx.get(
        limited_gateway.url + "/api/analytics/summary", headers=minter.headers(role="admin")
    )
    error = expect_error(response, 503, "service_unavailable")
    assert "analytics" in error["message"]


def test_each_user_has_a_rate_limit(
    limited_gateway: ServiceProcess, minter: TokenMinter, expect_error: Any
) -> None:
    """RATE_LIMIT_USER_BURST=3, refilled at 0.1/s: the 4th request within seconds is refused."""
    alice = minter.headers(uuid.uuid4())
    with httpx.Client(base_url=limited_gateway.url) as client:
        statuses = [client.get("/api/cart", headers=alice).status_code for _ in range(3)]
        assert statuses == [200, 200, 200]
        refused = client.get("/api/cart", headers=alice)
        error = expect_error(refused, 429, "rate_limited")
        assert "user" in error["message"]
        assert 5 <= int(refused.headers["retry-after"]) <= 10
        assert client.get("/api/cart", headers=minter.headers(uuid.uuid4())).status_code == 200


def test_each_client_address_has_a_rate_limit(
    limited_gateway: ServiceProcess, expect_error: Any
) -> None:
    """RATE_LIMIT_IP_BURST=25, refilled at 0.5/s (runs after the tests above used some)."""
    with httpx.Client(base_url=limited_gateway.url) as client:
        for _ in range(40):
            response = client.get("/api/products")
            if response.status_code != 200:
                break
        error = expect_error(response, 429, "rate_limited")
        assert "address" in error["message"]
        assert response.headers["retry-after"] in ("1", "2")
