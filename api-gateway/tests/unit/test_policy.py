"""The access table against every route of API.md, and the paths it refuses to route."""

import pytest
from api_gateway.config import AREA_SERVICES
from api_gateway.policy import Access, Policy

PUBLIC, CUSTOMER, ADMIN = Access.PUBLIC, Access.CUSTOMER, Access.ADMIN
ID = "0b7c6f1e-3f4a-4a8e-9d57-2f1b5c3a9e10"

API_ROUTES = [
    ("POST", "/api/auth/signup", PUBLIC),
    ("POST", "/api/auth/login", PUBLIC),
    ("POST", "/api/auth/refresh", PUBLIC),
    ("POST", "/api/auth/logout", CUSTOMER),
    ("GET", "/api/auth/me", CUSTOMER),
    ("GET", "/api/auth/users", ADMIN),
    ("PATCH", f"/api/auth/users/{ID}/role", ADMIN),
    ("GET", "/api/auth/.well-known/jwks.json", PUBLIC),
    ("GET", "/api/products", PUBLIC),
    ("GET", f"/api/products/{ID}", PUBLIC),
    ("GET", f"/api/products/{ID}/image.svg", PUBLIC),
    ("POST", "/api/products", ADMIN),
    ("PATCH", f"/api/products/{ID}", ADMIN),
    ("DELETE", f"/api/products/{ID}", ADMIN),
    ("GET", "/api/categories", PUBLIC),
    ("GET", f"/api/inventory/{ID}", PUBLIC),
    ("GET", "/api/inventory", ADMIN),
    ("PUT", f"/api/inventory/{ID}", ADMIN),
    ("POST", f"/api/inventory/{ID}/adjust", ADMIN),
    ("GET", "/api/cart", CUSTOMER),
    ("POST", "/api/cart/items", CUSTOMER),
    ("PUT", f"/api/cart/items/{ID}", CUSTOMER),
    ("DELETE", f"/api/cart/items/{ID}", CUSTOMER),
    ("DELETE", "/api/cart", CUSTOMER),
    ("POST", "/api/orders", CUSTOMER),
    ("GET", "/api/orders", CUSTOMER),
    ("GET", f"/api/orders/{ID}", CUSTOMER),
    ("POST", f"/api/orders/{ID}/ship", ADMIN),
    ("POST", f"/api/orders/{ID}/cancel", CUSTOMER),
    ("POST", "/api/payments/methods", CUSTOMER),
    ("GET", "/api/payments", CUSTOMER),
    ("GET", f"/api/recommendations/related/{ID}", PUBLIC),
    ("GET", "/api/recommendations/best-sellers", PUBLIC),
    ("GET", "/api/recommendations/for-me", CUSTOMER),
    ("POST", "/api/recommendations/descriptions", ADMIN),
    ("GET", "/api/analytics/summary", ADMIN),
    ("GET", "/api/analytics/sales", ADMIN),
    ("GET", "/api/analytics/top-products", ADMIN),
    ("GET", "/api/analytics/abandoned-carts", ADMIN),
]


@pytest.mark.parametrize(("method", "path", "access"), API_ROUTES)
def test_every_documented_route_has_its_documented_access(
    method: str, path: str, access: Access
) -> None:
    rule = Policy().match(method, path)
    assert rule is not None
    assert rule.access is access
    assert rule.area == path.split("/")[2]


@pytest.mark.parametrize(
    ("method", "path", "access"),
    [
        ("HEAD", "/api/products", PUBLIC),
        ("GET", "/api/products/", PUBLIC),
        ("PUT", f"/api/products/{ID}", ADMIN),
        ("GET", f"/api/products/{ID}/secret-report", ADMIN),
        ("POST", "/api/categories", ADMIN),
        ("DELETE", f"/api/inventory/{ID}", ADMIN),
        ("GET", "/api/auth/sessions", CUSTOMER),
        ("POST", "/api/recommendations/related/x", CUSTOMER),
        ("DELETE", "/api/analytics", ADMIN),
    ],
)
def test_routes_the_table_does_not_name_fall_to_the_strictest_sensible_rule(
    method: str, path: str, access: Access
) -> None:
    rule = Policy().match(method, path)
    assert rule is not None
    assert rule.access is access


@pytest.mark.parametrize(
    "path",
    [
        "/internal/orders",
        "/api",
        "/api/",
        "/api/internal/x",
        "/api/health-check",
        "/api/products/../../internal/x",
        "/api/products/./x",
        "/api/cart/..",
        "/apiproducts",
    ],
)
def test_paths_outside_the_areas_are_not_routes(path: str) -> None:
    assert Policy().match("GET", path) is None


def test_every_area_of_the_table_has_a_service() -> None:
    assert Policy().areas == frozenset(AREA_SERVICES)
