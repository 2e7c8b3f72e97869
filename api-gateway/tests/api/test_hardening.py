"""The gateway against a client that lies about its address, a production start, and a client
that sends its whole body before it reads."""

import json
import socket
import time
import urllib.error
import urllib.request
from typing import Any

import httpx
import pytest
from service_kit.testing import ServiceProcess, free_port

MIB = 1024 * 1024
SPOOFING = {
    "X-Forwarded-For": "203.0.113.66",
    "X-Real-IP": "203.0.113.67",
    "True-Client-IP": "203.0.113.68",
    "Forwarded": "for=203.0.113.69",
}


def header_values(echo: dict[str, Any], name: str) -> list[str]:
    return [v for k, v in echo["headers"] if k == name]


@pytest.fixture(scope="module")
def strict_gateway(start_gateway: Any) -> ServiceProcess:
    """Trusts no proxy (the default), and allows an address 5 requests at once."""
    gateway: ServiceProcess = start_gateway(
        "strict-gateway", RATE_LIMIT_IP_PER_SECOND="0.1", RATE_LIMIT_IP_BURST="5"
    )
    return gateway


@pytest.fixture(scope="module")
def proxied_gateway(start_gateway: Any) -> ServiceProcess:
    """Behind a proxy on 127.0.0.1 (TRUSTED_PROXIES)."""
    gateway: ServiceProcess = start_gateway(
        "proxied-gateway", TRUSTED_PROXIES="127.0.0.1, 10.0.0.0/8"
    )
    return gateway


@pytest.fixture(scope="module")
def prod_gateway(start_gateway: Any) -> tuple[ServiceProcess, int]:
    metrics_port = free_port()
    # The gateway has no broker: the machine's development AMQP_URL must not reach it.
    gateway = start_gateway("prod-gateway", ENV="prod", METRICS_PORT=str(metrics_port), AMQP_URL="")
    return gateway, metrics_port


def test_client_address_headers_are_replaced_by_the_address_the_gateway_saw(
    client: httpx.Client,
) -> None:
    echo = client.get("/api/products", headers=SPOOFING).json()

    assert header_values(echo, "x-forwarded-for") == ["127.0.0.1"]
    assert header_values(echo, "x-real-ip") == ["127.0.0.1"]
    assert header_values(echo, "true-client-ip") == []
    assert header_values(echo, "forwarded") == []


def test_rotating_x_forwarded_for_does_not_escape_the_address_rate_limit(
    strict_gateway: ServiceProcess,
) -> None:
    with httpx.Client(base_url=strict_gateway.url) as client:
        statuses = [
            client.get("/api/products", headers={"X-Forwarded-For": f"198.51.100.{n}"}).status_code
            for n in range(8)
        ]
    assert statuses[:5] == [200] * 5
    assert statuses[5:] == [429] * 3


def test_behind_a_trusted_proxy_the_client_is_the_address_the_proxy_names(
    proxied_gateway: ServiceProcess,
) -> None:
    # The proxy appended the address it saw; what the client wrote before it is not believed.
    forwarded = {"X-Forwarded-For": "198.51.100.1, 203.0.113.7", "X-Real-IP": "198.51.100.1"}
    echo = httpx.get(proxied_gateway.url + "/api/products", headers=forwarded).json()

    assert header_values(echo, "x-forwarded-for") == ["203.0.113.7"]
    assert header_values(echo, "x-real-ip") == ["203.0.113.7"]


def test_in_production_the_public_port_serves_no_documents_no_metrics_and_no_banner(
    prod_gateway: tuple[ServiceProcess, int],
) -> None:
    process, metrics_port = prod_gateway
    with httpx.Client(base_url=process.url) as client:
        for path in (
            "/docs",
            "/redoc",
            "/openapi.json",
            "/metrics",
            "/api/docs/product",
            "/api/docs/order/openapi.json",
        ):
            response = client.get(path)
            assert response.status_code == 404, path
            assert "server" not in response.headers, path
        proxied = client.get("/api/products")
        assert proxied.status_code == 200
        assert "server" not in proxied.headers
    metrics = httpx.get(f"http://127.0.0.1:{metrics_port}/metrics", timeout=5)
    assert metrics.status_code == 200
    assert 'route="/api/products"' in metrics.text


def test_in_development_the_documents_and_metrics_stay(client: httpx.Client) -> None:
    for path in ("/docs", "/openapi.json", "/metrics", "/api/docs/product"):
        assert client.get(path).status_code == 200, path
    assert "server" not in client.get("/health").headers


@pytest.mark.parametrize("size", [2 * MIB, 12 * MIB])
def test_a_client_that_sends_its_whole_body_first_sees_the_413(
    gateway: ServiceProcess, size: int
) -> None:
    """urllib writes the whole body before it reads the answer: the gateway drains the body, so
    the 413 arrives instead of a reset connection."""
    for _ in range(3):
        request = urllib.request.Request(
            gateway.url + "/api/auth/signup",
            data=b"x" * size,
            method="POST",
            headers={"Content-Type": "application/json"},
        )
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=20)
        assert refused.value.code == 413
        assert json.loads(refused.value.read())["error"]["code"] == "payload_too_large"


def test_a_request_the_client_abandons_is_counted_as_499(
    gateway: ServiceProcess, client: httpx.Client
) -> None:
    def abandoned() -> float:
        for line in client.get("/metrics").text.splitlines():
            wanted = 'status="499"' in line and 'route="/api/auth/signup"' in line
            if line.startswith("http_requests_total{") and wanted:
                return float(line.rsplit(" ", 1)[1])
        return 0.0

    before = abandoned()
    with socket.create_connection(("127.0.0.1", gateway.port), timeout=5) as sock:
        # Longer than the gateway buffers, so the body streams to the service as it comes.
        sock.sendall(
            b"POST /api/auth/signup HTTP/1.1\r\nHost: gw\r\nContent-Type: application/json\r\n"
            b"Content-Length: 500000\r\n\r\n" + b"{" * 100_000
        )
        time.sleep(0.3)
    deadline = time.monotonic() + 5
    while abandoned() == before and time.monotonic() < deadline:
        time.sleep(0.05)
    assert abandoned() == before + 1
    assert 'status="500"' not in client.get("/metrics").text
