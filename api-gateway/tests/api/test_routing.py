"""Requests reach the service that owns their area with path, query, body and headers intact."""

import gzip
import hashlib
import http.client
import json
import uuid
from typing import Any

import httpx
import pytest
from service_kit.testing import ServiceProcess, TokenMinter

TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
TRACEPARENT = f"00-{TRACE_ID}-00f067aa0ba902b7-01"


def header_values(echo: dict[str, Any], name: str) -> list[str]:
    return [v for k, v in echo["headers"] if k == name]


def only_header(echo: dict[str, Any], name: str) -> str:
    values = header_values(echo, name)
    assert len(values) == 1, (name, values)
    return values[0]


@pytest.mark.parametrize(
    ("method", "target", "role", "service"),
    [
        ("POST", "/api/auth/login", None, "auth"),
        ("GET", "/api/products/a%20b?q=red%20shoes&limit=5&category=x&category=y", None, "product"),
        ("GET", "/api/categories", None, "product"),
        ("PUT", "/api/cart/items/p-1", "customer", "cart"),
        ("POST", "/api/orders", "customer", "order"),
        ("GET", "/api/payments?order_id=o-1", "customer", "payment"),
        ("GET", "/api/inventory/p-1", None, "inventory"),
        ("GET", "/api/recommendations/related/p-1?limit=4", None, "recommendation"),
        (
            "GET",
            "/api/analytics/sales?from=2024-01-01T00%3A00%3A00Z&interval=day",
            "admin",
            "analytics",
        ),
    ],
)
def test_each_area_reaches_its_service_unchanged(
    client: httpx.Client,
    minter: TokenMinter,
    method: str,
    target: str,
    role: str | None,
    service: str,
) -> None:
    user_id = uuid.uuid4()
    correlation_id = str(uuid.uuid4())
    headers = {
        "X-Request-Id": "req-from-client-1",
        "X-Correlation-Id": correlation_id,
        "traceparent": TRACEPARENT,
        "X-Custom": "kept",
        "X-User-Id": "00000000-0000-0000-0000-000000000000",
        "X-User-Role": "admin",
        "Content-Type": "application/json",
    }
    authorization = None
    if role is not None:
        authorization = f"Bearer {minter.token(user_id, role)}"
        headers["Authorization"] = authorization
    body = b'{"quantity":  2, "note": "kept as sent"}' if method in ("POST", "PUT") else None

    response = client.request(method, target, headers=headers, content=body)

    assert response.status_code == 200, response.text
    assert response.headers["x-upstream"] == service
    echo = response.json()
    path, _, query = target.partition("?")
    assert (echo["service"], echo["method"], echo["path"], echo["query"]) == (
        service,
        method,
        path,
        query,
    )
    if body is not None:
        assert echo["body"] == body.decode()
        assert only_header(echo, "content-length") == str(len(body))
    assert only_header(echo, "content-type") == "application/json"
    assert only_header(echo, "x-custom") == "kept"
    assert only_header(echo, "x-request-id") == "req-from-client-1"
    assert only_header(echo, "x-correlation-id") == correlation_id
    forwarded_trace = only_header(echo, "traceparent").split("-")
    assert forwarded_trace[1] == TRACE_ID
    assert forwarded_trace[2] != "00f067aa0ba902b7"  # the gateway's own span
    if role is None:
        assert header_values(echo, "x-user-id") == []
        assert header_values(echo, "x-user-role") == []
        assert header_values(echo, "authorization") == []
    else:
        assert only_header(echo, "x-user-id") == str(user_id)
        assert only_header(echo, "x-user-role") == role
        assert only_header(echo, "authorization") == authorization
    assert response.headers["x-request-id"] == "req-from-client-1"


def test_hop_by_hop_headers_are_not_forwarded_either_way(client: httpx.Client) -> None:
    response = client.get(
        "/api/products",
        headers={
            "Connection": "keep-alive, X-Hop",
            "X-Hop": "for the next hop only",
            "Keep-Alive": "timeout=5",
            "Proxy-Authorization": "Basic c2VjcmV0",
            "TE": "trailers",
            "X-Forwarded-For": "6.6.6.6",
            "X-Forwarded-Host": "evil.example",
        },
    )
    echo = response.json()
    names = {k for k, _ in echo["headers"]}
    assert not names & {"x-hop", "keep-alive", "proxy-authorization", "te", "transfer-encoding"}
    assert only_header(echo, "x-forwarded-for") == "127.0.0.1"
    assert only_header(echo, "x-forwarded-proto") == "http"
    assert only_header(echo, "x-forwarded-host") == client.base_url.netloc.decode()
    assert "proxy-authenticate" not in response.headers
    assert response.headers.get_list("set-cookie") == ["first=1; Path=/", "second=2; Path=/"]
    assert len(response.headers.get_list("x-request-id")) == 1
    assert response.headers.get_list("server") == []  # no banner, the service's not passed on


def test_the_gateway_keeps_no_cookies_between_clients(gateway: ServiceProcess) -> None:
    # The upstream sets cookies on every answer; a second client must not be sent them.
    httpx.get(gateway.url + "/api/products")
    echo = httpx.get(gateway.url + "/api/products").json()
    assert header_values(echo, "cookie") == []
    sent = httpx.get(gateway.url + "/api/products", headers={"Cookie": "mine=1"}).json()
    assert only_header(sent, "cookie") == "mine=1"


def test_compressed_bodies_pass_through_still_compressed(client: httpx.Client) -> None:
    with client.stream("GET", "/api/products?gzip=1", headers={"Accept-Encoding": "gzip"}) as r:
        assert r.headers["content-encoding"] == "gzip"
        raw = b"".join(r.iter_raw())
    assert json.loads(gzip.decompress(raw))["service"] == "product"


def test_upstream_status_and_empty_bodies_pass_through(client: httpx.Client) -> None:
    created = client.post("/api/auth/signup?status=201", json={"username": "a"})
    assert created.status_code == 201
    assert created.json()["body"] == '{"username":"a"}'
    head = client.head("/api/products")
    assert head.status_code == 200
    assert head.content == b""
    assert int(head.headers["content-length"]) > 0


def test_redirects_are_passed_on_without_the_service_address(client: httpx.Client) -> None:
    response = client.get("/api/products/x?redirect=1")
    assert response.status_code == 302
    assert response.headers["location"] == "/api/products/moved"


def test_large_bodies_stream_through_intact(client: httpx.Client) -> None:
    payload = bytes(range(256)) * 3600  # 900 KiB: streamed, with its Content-Length

    sized = client.post("/api/auth/signup", content=payload).json()
    assert sized["body_length"] == len(payload)
    assert sized["body_sha256"] == hashlib.sha256(payload).hexdigest()
    assert only_header(sized, "content-length") == str(len(payload))

    def chunks() -> Any:
        for i in range(0, len(payload), 64 * 1024):
            yield payload[i : i + 64 * 1024]

    chunked = client.post("/api/auth/signup", content=chunks()).json()
    assert chunked["body_sha256"] == hashlib.sha256(payload).hexdigest()
    assert only_header(chunked, "transfer-encoding") == "chunked"


def test_large_and_unsized_responses_stream_through(client: httpx.Client) -> None:
    with client.stream("GET", "/api/products?stream_kib=2048") as response:
        assert response.status_code == 200
        assert "content-length" not in response.headers
        received = b"".join(response.iter_bytes())
    assert received == b"".join(bytes([i % 256]) * 1024 for i in range(2048))

    big = client.get("/api/products?big_kib=700")
    assert big.headers["content-length"] == str(700 * 1024)
    assert big.content == b"x" * 700 * 1024


@pytest.mark.parametrize(
    "path",
    [
        "/internal/orders",
        "/api/internal/orders",
        "/api/",
        "/api/products/../../internal/orders",
        "/api/products/%2e%2e/%2e%2e/internal/orders",
        "/api/cart/./../products",
    ],
)
def test_only_api_areas_are_routed(
    gateway: ServiceProcess, services: Any, path: str, expect_error: Any
) -> None:
    marker = uuid.uuid4().hex
    # http.client sends the target exactly as written (httpx would resolve the dot segments).
    conn = http.client.HTTPConnection("127.0.0.1", gateway.port, timeout=5)
    conn.request("GET", f"{path}?marker={marker}")
    raw = conn.getresponse()
    response = httpx.Response(raw.status, headers=raw.getheaders(), content=raw.read())
    conn.close()
    expect_error(response, 404, "not_found")
    assert not services.reached(marker)
