"""Recommendations end to end: products bought together through the gateway's checkout show
up in each other's related products, with a "bought together" reason, within 30 s."""

import asyncio
import time
import uuid
from typing import Any

import httpx
import pytest

from shopper import Shopper, sign_up, wait_until_in_cart_catalog

pytestmark = pytest.mark.timeout(300)

WITHIN_SECONDS = 30


async def _product(admin: Shopper, name: str, category: str) -> str:
    resp = await admin.call(
        "POST",
        "/api/products",
        json={
            "name": name,
            "description": "A product made by the system tests.",
            "price_cents": 1500,
            "category": category,
            "stock": 20,
        },
    )
    resp.raise_for_status()
    return str(resp.json()["id"])


async def _buy_together(client: httpx.AsyncClient, products: list[str]) -> None:
    shopper = await sign_up(client)
    for product_id in products:
        await wait_until_in_cart_catalog(shopper, product_id)
        resp = await shopper.add_to_cart(product_id)
        assert resp.status_code in (200, 201), resp.text
    resp = await shopper.checkout(await shopper.card())
    assert resp.status_code == 201, resp.text
    order = await shopper.wait_terminal(resp.json()["id"])
    assert order["status"] == "PAID", order


async def _related(client: httpx.AsyncClient, product_id: str) -> dict[str, Any] | None:
    resp = await client.get(f"/api/recommendations/related/{product_id}", params={"limit": 4})
    if resp.status_code == 404:  # the service has not heard of the product yet
        return None
    resp.raise_for_status()
    body: dict[str, Any] = resp.json()
    return body


async def test_products_bought_together_are_related_within_30_seconds(fleet, client, admin):
    tag = uuid.uuid4().hex[:8]
    # Categories of their own: nothing but the purchase links the two products.
    lantern = await _product(admin, f"Camping lantern {tag}", f"lanterns-{tag}")
    kettle = await _product(admin, f"Stovetop kettle {tag}", f"kettles-{tag}")

    await _buy_together(client, [lantern, kettle])
    paid_at = time.monotonic()

    found: dict[str, Any] | None = None
    while time.monotonic() - paid_at < WITHIN_SECONDS:
        body = await _related(client, lantern)
        items = body["items"] if body else []
        found = next((i for i in items if i["product"]["id"] == kettle), None)
        if found is not None and "bought together" in found["reason"].lower():
            break
        await asyncio.sleep(0.5)
    assert found is not None, f"the kettle was not related to the lantern within {WITHIN_SECONDS} s"
    assert found["reason"] == f"Bought together with Camping lantern {tag}"
    assert found["product"]["in_stock"] is True

    body = await _related(client, kettle)
    assert body is not None
    assert lantern in [i["product"]["id"] for i in body["items"]]
    assert kettle not in [i["product"]["id"] for i in body["items"]]
