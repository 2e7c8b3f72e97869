"""Test data: settings, product bodies, and products made the way clients make them."""

import itertools
import uuid
from typing import Any

import httpx
from product_service.config import ProductSettings
from service_kit.testing import TokenMinter, test_database

_sequence = itertools.count()


def settings_for_tests(**overrides: Any) -> ProductSettings:
    return ProductSettings(
        env="test",
        database_name=test_database("product"),
        # Tokens come from the test's TokenMinter; nothing may be fetched over HTTP (a token
        # naming an unknown key makes the verifier try this closed port, and fail).
        jwks_url="http://127.0.0.1:9/api/auth/.well-known/jwks.json",
        **overrides,
    )


def unique(prefix: str = "item") -> str:
    return f"{prefix}{next(_sequence)}x{uuid.uuid4().hex[:6]}"


def product_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": f"Test Lamp {unique()}",
        "description": "A lamp for tests.",
        "price_cents": 2599,
        "category": "home",
        "stock": 5,
        "attributes": {"color": "white"},
    }
    body.update(overrides)
    return body


class Catalog:
    """Products made through the API with an admin token."""

    def __init__(self, client: httpx.AsyncClient, minter: TokenMinter) -> None:
        self.client = client
        self.minter = minter
        self.admin = minter.headers(role="admin")
        self.customer = minter.headers(role="customer")

    async def add(self, **overrides: Any) -> dict[str, Any]:
        response = await self.client.post(
            "/api/products", json=product_body(**overrides), headers=self.admin
        )
        assert response.status_code == 201, response.text
        product: dict[str, Any] = response.json()
        return product

    async def add_many(self, *bodies: dict[str, Any]) -> list[dict[str, Any]]:
        return [await self.add(**body) for body in bodies]

    async def search(self, **params: Any) -> dict[str, Any]:
        response = await self.client.get("/api/products", params=params)
        assert response.status_code == 200, response.text
        page: dict[str, Any] = response.json()
        return page


def names(page: dict[str, Any]) -> list[str]:
    return [item["name"] for item in page["items"]]
