"""Hardening through the gateway: one cart makes one order whatever the Idempotency-Keys, and a
checkout never charges a total the shopper was not shown."""

import asyncio
import time
import uuid
from typing import Any

import httpx
import pytest

from fleet import Fleet
from invariants import check_invariants
from shopper import ADDRESS, Shopper, create_product, sign_up, wait_until_in_cart_catalog

pytestmark = pytest.mark.timeout(300)


async def _checkout(
    shopper: Shopper, method: str, key: str, expected_total_cents: int | None = None
) -> httpx.Response:
    body: dict[str, Any] = {"payment_method": method, "shipping_address": ADDRESS}
    if expected_total_cents is not None:
        body["expected_total_cents"] = expected_total_cents
    return await shopper.call("POST", "/api/orders", json=body, headers={"Idempotency-Key": key})


async def _orders(shopper: Shopper) -> list[dict[str, Any]]:
    resp = await shopper.call("GET", "/api/orders")
    resp.raise_for_status()
    items: list[dict[str, Any]] = resp.json()["items"]
    return items


async def _payments(shopper: Shopper) -> list[dict[str, Any]]:
    resp = await shopper.call("GET", "/api/payments")
    resp.raise_for_status()
    body = resp.json()
    items: list[dict[str, Any]] = body["items"] if isinstance(body, dict) else body
    return items


async def test_eight_concurrent_checkouts_of_one_cart_with_eight_keys_make_one_order(
    fleet: Fleet, client: httpx.AsyncClient, admin: Shopper
) -> None:
    product_id = await create_product(admin, stock=50, price_cents=1_500)
    shopper = await sign_up(client, "tabs")
    await wait_until_in_cart_catalog(shopper, product_id)
    assert (await shopper.add_to_cart(product_id, 2)).status_code in (200, 201)
    method = await shopper.card()

    responses = await asyncio.gather(
        *(_checkout(shopper, method, key=uuid.uuid4().hex) for _ in range(8))
    )

    statuses = sorted(r.status_code for r in responses)
    assert statuses == [201] + [409] * 7, [r.text for r in responses]
    # A checkout that reads the cart after the winner's order.created emptied it finds it empty.
    refusals = {r.json()["error"]["code"] for r in responses if r.status_code == 409}
    assert refusals <= {"cart_already_checked_out", "empty_cart"}, refusals
    [order] = [r.json() for r in responses if r.status_code == 201]
    final = await shopper.wait_terminal(order["id"])
    assert final["status"] == "PAID"
    assert [o["id"] for o in await _orders(shopper)] == [order["id"]]
    payments = await _payments(shopper)
    assert [(p["order_id"], p["status"], p["amount_cents"]) for p in payments] == [
        (order["id"], "APPROVED", 3_000)
    ]
    report = await check_invariants(fleet.db_suffix, settle_seconds=60)
    assert report.ok, report.render()


async def _wait_for_price_warning(shopper: Shopper, product_id: str, timeout: float = 15) -> None:
    deadline = time.monotonic() + timeout
    while True:
        cart = (await shopper.call("GET", "/api/cart")).json()
        if any(
            w["code"] == "price_changed" and w["product_id"] == product_id for w in cart["warnings"]
        ):
            return
        if time.monotonic() > deadline:
            raise TimeoutError(f"the cart never saw the new price: {cart}")
        await asyncio.sleep(0.05)


async def test_a_price_rise_after_the_shopper_looked_is_refused_then_confirmed(
    fleet: Fleet, client: httpx.AsyncClient, admin: Shopper
) -> None:
    product_id = await create_product(admin, stock=50, price_cents=1_000)
    shopper = await sign_up(client, "pricewatch")
    await wait_until_in_cart_catalog(shopper, product_id)
    assert (await shopper.add_to_cart(product_id, 3)).status_code in (200, 201)
    seen = (await shopper.call("GET", "/api/cart")).json()["total_cents"]
    assert seen == 3_000
    method = await shopper.card()

    resp = await admin.call("PATCH", f"/api/products/{product_id}", json={"price_cents": 1_200})
    assert resp.status_code == 200, resp.text
    await _wait_for_price_warning(shopper, product_id)

    refused = await _checkout(shopper, method, key="first-look", expected_total_cents=seen)
    assert refused.status_code == 409, refused.text
    error = refused.json()["error"]
    assert error["code"] == "price_changed"
    assert error["details"][0]["total_cents"] == 3_600
    assert error["details"][0]["expected_total_cents"] == 3_000
    assert await _orders(shopper) == []
    assert await _payments(shopper) == []

    confirmed = await _checkout(shopper, method, key="second-look", expected_total_cents=3_600)
    assert confirmed.status_code == 201, confirmed.text
    final = await shopper.wait_terminal(confirmed.json()["id"])
    assert final["status"] == "PAID" and final["total_cents"] == 3_600
    report = await check_invariants(fleet.db_suffix, settle_seconds=60)
    assert report.ok, report.render()


async def test_rotating_addresses_and_names_through_the_gateway_do_not_escape_the_throttle(
    fleet: Fleet, client: httpx.AsyncClient
) -> None:
    name = f"victim{uuid.uuid4().hex[:10]}"
    signed_up = await client.post(
        "/api/auth/signup",
        json={"username": name, "email": f"{name}@example.com", "password": "correct-horse-42"},
    )
    assert signed_up.status_code == 201, signed_up.text
    statuses = []
    for n in range(8):
        identifier = f"{name}@example.com" if n % 2 else name.upper()
        spoofed = {"X-Forwarded-For": f"198.51.100.{n}", "X-Real-IP": f"198.51.100.{n}"}
        resp = await client.post(
            "/api/auth/login",
            json={"email": identifier, "password": "not the password"},
            headers=spoofed,
        )
        statuses.append(resp.status_code)

    assert statuses == [401] * 5 + [429] * 3
    assert "server" not in resp.headers
