"""The gateway's own routes (fleet health, API documents) and CORS for the frontend only."""

from typing import Any

import httpx
import pytest
from api_gateway.config import SERVICES
from service_kit.testing import ServiceProcess, TokenMinter

FRONTEND = "http://localhost:3000"


def test_health_shows_every_service_up(client: httpx.Client) -> None:
    response = client.get("/api/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "services": dict.fromkeys(SERVICES, "up")}


def test_health_shows_a_down_service(limited_gateway: ServiceProcess) -> None:
    body = httpx.get(limited_gateway.url + "/api/health").json()
    assert body["status"] == "degraded"
    assert body["services"] == {**dict.fromkeys(SERVICES, "up"), "analytics": "down"}


def test_each_service_openapi_is_served_and_linked(client: httpx.Client) -> None:
    for service in SERVICES:
        document = client.get(f"/api/docs/{service}/openapi.json")
        assert document.status_code == 200
        assert document.json()["info"]["title"] == service
        page = client.get(f"/api/docs/{service}")
        assert page.status_code == 200
        assert f"/api/docs/{service}/openapi.json" in page.text
    description = client.get("/openapi.json").json()["info"]["description"]
    for service in SERVICES:
        assert f"(/api/docs/{service}/openapi.json)" in description
    assert client.get("/docs").status_code == 200


def test_an_unknown_service_has_no_docs(client: httpx.Client, expect_error: Any) -> None:
    expect_error(client.get("/api/docs/billing/openapi.json"), 404, "not_found")


def test_the_docs_of_a_service_that_is_down_give_503(
    limited_gateway: ServiceProcess, expect_error: Any
) -> None:
    response = httpx.get(limited_gateway.url + "/api/docs/analytics/openapi.json")
    expect_error(response, 503, "service_unavailable")


def preflight(client: httpx.Client, origin: str) -> httpx.Response:
    return client.options(
        "/api/cart/items",
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization,content-type,idempotency-key",
        },
    )


def test_cors_preflight_from_the_frontend_is_allowed(client: httpx.Client) -> None:
    response = preflight(client, FRONTEND)
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == FRONTEND
    assert response.headers["access-control-allow-credentials"] == "true"
    assert "POST" in response.headers["access-control-allow-methods"]
    allowed = response.headers["access-control-allow-headers"].lower()
    assert {"authorization", "content-type", "idempotency-key"} <= set(allowed.split(", "))


@pytest.mark.parametrize("origin", ["http://evil.example", "http://localhost:3001"])
def test_cors_from_another_origin_is_refused(
    client: httpx.Client, minter: TokenMinter, origin: str
) -> None:
    refused = preflight(client, origin)
    assert refused.status_code == 400
    assert "access-control-allow-origin" not in refused.headers
    simple = client.get("/api/cart", headers={**minter.headers(), "Origin": origin})
    assert "access-control-allow-origin" not in simple.headers


def test_cors_headers_on_answers_and_errors_for_the_frontend(client: httpx.Client) -> None:
    ok = client.get("/api/products", headers={"Origin": FRONTEND})
    assert ok.headers["access-control-allow-origin"] == FRONTEND
    assert "x-request-id" in ok.headers["access-control-expose-headers"].lower()
    refused = client.get("/api/cart", headers={"Origin": FRONTEND})
    assert refused.status_code == 401
    assert refused.headers["access-control-allow-origin"] == FRONTEND
