"""The checkout saga end to end, and under failure: every invariant of EVENTS.md holds after each."""

import asyncio
import subprocess
import uuid

import aio_pika
import httpx
import pytest

from fleet import Fleet
from invariants import check_invariants
from shopper import Shopper, create_product, sign_up, wait_until_in_cart_catalog

pytestmark = pytest.mark.timeout(600)


async def _stock(client: httpx.AsyncClient, product_id: str) -> int:
    resp = await client.get(f"/api/inventory/{product_id}")
    resp.raise_for_status()
    return int(resp.json()["stock"])


async def _product_ready(
    client: httpx.AsyncClient, admin: Shopper, stock: int, price_cents: int = 1999
) -> str:
    product_id = await create_product(admin, stock=stock, price_cents=price_cents)
    probe = await sign_up(client, "probe")
    await wait_until_in_cart_catalog(probe, product_id)
    for _ in range(300):
        if (await client.get(f"/api/inventory/{product_id}")).status_code == 200:
            return product_id
        await asyncio.sleep(0.05)
    raise AssertionError("inventory never created the stock record")


async def _assert_invariants(fleet: Fleet) -> None:
    report = await check_invariants(fleet.db_suffix, settle_seconds=60)
    assert report.ok, report.render()


async def _place_order(client, product_id: str, card: str = "4242424242424242", quantity: int = 1):
    shopper = await sign_up(client)
    resp = await shopper.add_to_cart(product_id, quantity)
    assert resp.status_code in (200, 201), resp.text
    method = await shopper.card(card)
    resp = await shopper.checkout(method)
    assert resp.status_code == 201, resp.text
    order = resp.json()
    assert order["status"] == "PENDING"
    return shopper, order


async def test_happy_path_order_is_paid_stock_decremented_and_cart_emptied(fleet, client, admin):
    product_id = await _product_ready(client, admin, stock=10, price_cents=2500)
    shopper, order = await _place_order(client, product_id, quantity=2)
    assert order["total_cents"] == 5000
    assert order["items"][0]["quantity"] == 2

    final = await shopper.wait_terminal(order["id"])
    assert final["status"] == "PAID"
    assert final["payment"]["last4"] == "4242"
    assert [h["status"] for h in final["status_history"]][:2] == ["PENDING", "PAID"]
    for _ in range(200):
        if await _stock(client, product_id) == 8:
            break
        await asyncio.sleep(0.05)
    assert await _stock(client, product_id) == 8
    cart = (await shopper.call("GET", "/api/cart")).json()
    assert cart["items"] == []
    payments = (await shopper.call("GET", f"/api/payments?order_id={order['id']}")).json()
    assert [(p["status"], p["amount_cents"]) for p in payments] == [("APPROVED", 5000)]
    await _assert_invariants(fleet)


async def test_declined_card_cancels_the_order_and_leaves_stock_alone(fleet, client, admin):
    product_id = await _product_ready(client, admin, stock=3)
    shopper, order = await _place_order(client, product_id, card="4000000000000002")
    final = await shopper.wait_terminal(order["id"])
    assert final["status"] == "CANCELLED"
    assert final["cancel_reason"] == "card_declined"
    assert final["payment"]["decline_reason"] == "card_declined"
    await asyncio.sleep(0.5)
    assert await _stock(client, product_id) == 3
    await _assert_invariants(fleet)


async def test_twenty_concurrent_checkouts_of_five_items_sell_exactly_five(fleet, client, admin):
    product_id = await _product_ready(client, admin, stock=5)
    shoppers = await asyncio.gather(*(sign_up(client) for _ in range(20)))
    for shopper in shoppers:
        assert (await shopper.add_to_cart(product_id, 1)).status_code in (200, 201)
    methods = await asyncio.gather(*(s.card() for s in shoppers))
    responses = await asyncio.gather(
        *(s.checkout(m) for s, m in zip(shoppers, methods, strict=True))
    )
    placed = [
        (s, r.json()) for s, r in zip(shoppers, responses, strict=True) if r.status_code == 201
    ]
    assert all(r.status_code in (201, 409) for r in responses), [r.text for r in responses]
    # PAID is not final for an order inventory cannot supply: it is refunded and cancelled.
    await _assert_invariants(fleet)
    finals = await asyncio.gather(*(s.order(o["id"]) for s, o in placed))
    statuses = [f["status"] for f in finals]
    assert statuses.count("PAID") == 5
    assert statuses.count("CANCELLED") == len(placed) - 5
    assert all(f["cancel_reason"] == "out_of_stock" for f in finals if f["status"] == "CANCELLED")
    assert await _stock(client, product_id) == 0


async def _ready_shoppers(client, product_id: str, n: int) -> list[Shopper]:
    """Shoppers with the product in their cart, paying with the processor's test token."""
    shoppers: list[Shopper] = []
    for start in range(0, n, 20):
        batch = await asyncio.gather(*(sign_up(client) for _ in range(min(20, n - start))))
        for shopper in batch:
            assert (await shopper.add_to_cart(product_id, 1)).status_code in (200, 201)
        shoppers += batch
    return shoppers


async def _checkouts(
    shoppers: list[Shopper], concurrency: int = 16, *, may_sell_out: bool = False
) -> list[tuple[Shopper, dict]]:
    """The orders placed. With `may_sell_out`, a checkout may also be refused because the
    stock ran out before it (409 insufficient_stock): the orders paid before it have already
    taken the stock, and the cart knows."""
    semaphore = asyncio.Semaphore(concurrency)

    async def one(shopper: Shopper) -> tuple[Shopper, dict] | None:
        async with semaphore:
            resp = await shopper.checkout("pm_card_visa")
            if may_sell_out and resp.status_code == 409:
                assert resp.json()["error"]["code"] == "insufficient_stock", resp.text
                return None
            assert resp.status_code == 201, resp.text
            return shopper, resp.json()

    return [p for p in await asyncio.gather(*(one(s) for s in shoppers)) if p is not None]


async def _flow(
    client, product_id: str, n: int, concurrency: int = 16, *, may_sell_out: bool = False
) -> list[tuple[Shopper, dict]]:
    shoppers = await _ready_shoppers(client, product_id, n)
    return await _checkouts(shoppers, concurrency, may_sell_out=may_sell_out)


async def test_payment_service_killed_mid_flow_loses_nothing_and_charges_once(fleet, client, admin):
    product_id = await _product_ready(client, admin, stock=1000)
    shoppers = await _ready_shoppers(client, product_id, 200)
    flow = asyncio.create_task(_checkouts(shoppers, concurrency=8))
    await asyncio.sleep(1.0)
    fleet.stop("payment", kill=True)  # kill -9
    await asyncio.sleep(1.0)
    fleet.start("payment")
    placed = await flow
    fleet.wait_ready(["payment"])
    finals = await asyncio.gather(*(s.wait_terminal(o["id"], timeout=90) for s, o in placed))
    assert len(finals) == 200
    assert {f["status"] for f in finals} == {"PAID"}
    await _assert_invariants(fleet)


async def test_broker_restart_mid_flow_loses_nothing(fleet, client, admin):
    product_id = await _product_ready(client, admin, stock=1000)
    shoppers = await _ready_shoppers(client, product_id, 100)
    flow = asyncio.create_task(_checkouts(shoppers, concurrency=4))
    await asyncio.sleep(1.0)
    await asyncio.to_thread(
        subprocess.run, ["rabbitmqctl", "-q", "stop_app"], check=True, timeout=120
    )
    await asyncio.sleep(1.0)
    await asyncio.to_thread(
        subprocess.run, ["rabbitmqctl", "-q", "start_app"], check=True, timeout=120
    )
    placed = await flow
    finals = await asyncio.gather(*(s.wait_terminal(o["id"], timeout=120) for s, o in placed))
    assert {f["status"] for f in finals} == {"PAID"}
    await _assert_invariants(fleet)


async def test_every_event_delivered_twice_charges_and_decrements_once(fleet, client, admin):
    """A duplicating hook republishes every event of the flow once more, same id and body."""
    import os

    connection = await aio_pika.connect_robust(os.environ["AMQP_URL"])
    channel = await connection.channel(publisher_confirms=True)
    exchange = await channel.get_exchange("shop.events")
    tap = await channel.declare_queue(f"duplicator-{uuid.uuid4().hex[:6]}", exclusive=True)
    await tap.bind(exchange, "#")
    duplicated = 0

    async def duplicate(message: aio_pika.abc.AbstractIncomingMessage) -> None:
        nonlocal duplicated
        async with message.process():
            if (message.headers or {}).get("x-duplicate"):
                return
            copy = aio_pika.Message(
                message.body,
                message_id=message.message_id,
                content_type=message.content_type,
                delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
                headers={**(message.headers or {}), "x-duplicate": True},
            )
            await exchange.publish(copy, routing_key=message.routing_key or "")
            duplicated += 1

    tag = await tap.consume(duplicate)
    try:
        product_id = await _product_ready(client, admin, stock=7)
        placed = await _flow(client, product_id, 10, concurrency=5, may_sell_out=True)
        await _assert_invariants(fleet)
    finally:
        await tap.cancel(tag)
        await connection.close()
    finals = await asyncio.gather(*(s.order(o["id"]) for s, o in placed))
    statuses = [f["status"] for f in finals]
    # Ten shoppers, seven items: seven paid once each; the others cancelled after a refund, or
    # refused at checkout once the stock was gone.
    assert statuses.count("PAID") == 7
    assert statuses.count("CANCELLED") == len(placed) - 7
    assert duplicated > 30
    assert await _stock(client, product_id) == 0
    await _assert_invariants(fleet)


async def test_poison_message_lands_in_the_dlq_and_the_flow_continues(fleet, client, admin):
    import os

    from service_kit.dlq import list_dead_letters

    connection = await aio_pika.connect(os.environ["AMQP_URL"])
    channel = await connection.channel(publisher_confirms=True)
    exchange = await channel.get_exchange("shop.events")
    poison_id = uuid.uuid4().hex
    await exchange.publish(
        aio_pika.Message(
            b'{"type": "order.created", "data": {"order_id": 42}}', message_id=poison_id
        ),
        routing_key="order.created",
    )
    await connection.close()

    product_id = await _product_ready(client, admin, stock=5)
    shopper, order = await _place_order(client, product_id)
    assert (await shopper.wait_terminal(order["id"]))["status"] == "PAID"
    letters = []
    for _ in range(100):
        letters = await list_dead_letters(os.environ["AMQP_URL"], "payment")
        if letters:
            break
        await asyncio.sleep(0.1)
    assert poison_id in [letter.message_id for letter in letters]
    await _assert_invariants(fleet)


async def test_customer_cancelling_while_the_charge_is_in_flight_keeps_no_charge_and_no_stock(
    fleet, client, admin
):
    product_id = await _product_ready(client, admin, stock=5)
    slow = {"decline_rate": 0.0, "processing_delay_ms": 500}
    assert (await admin.call("PUT", "/api/payments/processor", json=slow)).status_code == 200
    try:
        shopper, order = await _place_order(client, product_id, quantity=2)
        resp = await shopper.call("POST", f"/api/orders/{order['id']}/cancel")
        assert resp.status_code == 200, resp.text
        assert resp.json()["status"] == "CANCELLED"
        await _assert_invariants(fleet)
    finally:
        await admin.call("DELETE", "/api/payments/processor")
    final = await shopper.order(order["id"])
    assert final["status"] == "CANCELLED"
    payments = (await shopper.call("GET", f"/api/payments?order_id={order['id']}")).json()
    assert [p["status"] for p in payments] in ([], ["DECLINED"], ["REFUNDED"])
    assert await _stock(client, product_id) == 5
