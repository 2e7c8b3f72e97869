"""Analytics through the gateway, after real checkouts: the summary counts exactly the paid
revenue (the declined order adds an order and a payment failure, no revenue), and the product
shows exactly its paid units. Admin only, at the gateway too."""

import asyncio
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from shopper import Shopper, create_product, sign_up, wait_until_in_cart_catalog

pytestmark = pytest.mark.timeout(300)


async def _summary(admin: Shopper, since: datetime) -> dict:
    params = {"from": since.isoformat(), "to": (since + timedelta(hours=3)).isoformat()}
    response = await admin.call("GET", "/api/analytics/summary", params=params)
    assert response.status_code == 200, response.text
    return response.json()


async def _checkout(client: httpx.AsyncClient, product_id: str, card: str, quantity: int) -> dict:
    shopper = await sign_up(client, "analytics")
    assert (await shopper.add_to_cart(product_id, quantity)).status_code in (200, 201)
    response = await shopper.checkout(await shopper.card(card))
    assert response.status_code == 201, response.text
    return await shopper.wait_terminal(response.json()["id"])


async def test_after_a_paid_and_a_declined_checkout_the_summary_shows_exactly_the_paid_revenue(
    fleet, client, admin
):
    since = datetime.now(UTC) - timedelta(hours=1)
    before = await _summary(admin, since)
    product_id = await create_product(admin, stock=10, price_cents=2500)
    await wait_until_in_cart_catalog(await sign_up(client, "probe"), product_id)
    for _ in range(300):
        if (await client.get(f"/api/inventory/{product_id}")).status_code == 200:
            break
        await asyncio.sleep(0.05)

    paid = await _checkout(client, product_id, "4242424242424242", quantity=2)
    declined = await _checkout(client, product_id, "4000000000000002", quantity=1)
    assert (paid["status"], declined["status"]) == ("PAID", "CANCELLED")

    after = before
    for _ in range(300):
        after = await _summary(admin, since)
        if (after["paid_orders"], after["payment_failures"]) == (
            before["paid_orders"] + 1,
            before["payment_failures"] + 1,
        ) and after["cancelled_orders"] == before["cancelled_orders"] + 1:
            break
        await asyncio.sleep(0.1)
    assert after["revenue_cents"] - before["revenue_cents"] == 5000
    assert after["orders"] - before["orders"] == 2
    assert after["paid_orders"] - before["paid_orders"] == 1
    assert after["cancelled_orders"] - before["cancelled_orders"] == 1
    assert after["payment_failures"] - before["payment_failures"] == 1
    assert after["units_sold"] - before["units_sold"] == 2

    top = await admin.call("GET", "/api/analytics/top-products", params={"limit": 100})
    mine = [p for p in top.json() if p["product_id"] == product_id]
    assert [(p["units"], p["revenue_cents"]) for p in mine] == [(2, 5000)]
    assert mine[0]["name"]

    customer = await sign_up(client, "nosy")
    refused = await customer.call("GET", "/api/analytics/summary")
    assert refused.status_code == 403
