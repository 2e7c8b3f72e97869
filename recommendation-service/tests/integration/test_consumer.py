"""Events through RabbitMQ: a duplicate is applied once, a backlog queued while the service was
down is drained, and a paid co-purchase shows in related products within 30 s."""

import asyncio
import time
import uuid

from recommendation_service import repository
from recommendation_service_tests_factories import (
    envelope,
    ids,
    order_created,
    order_paid,
    product_created,
)
from service_kit.metrics import EVENTS_CONSUMED
from service_kit.testing import publish_envelope


async def _wait_for(check, seconds: float = 20.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if result := await check():
            return result
        await asyncio.sleep(0.1)
    raise AssertionError("not in time")


def _consumed(event_type: str, outcome: str) -> float:
    return EVENTS_CONSUMED.labels(event_type, outcome)._value.get()


async def test_an_order_published_twice_is_recorded_once(client, settings, factory):
    a = await factory.product()
    order = order_created(uuid.uuid4(), [a])
    duplicates_before = _consumed("order.created", "duplicate")

    await publish_envelope(settings.amqp_url.get_secret_value(), envelope(order), times=2)

    async def recorded():
        async with factory.database.connection() as conn:
            return (await repository.history(conn, order.user_id)).ordered

    assert await _wait_for(recorded) == {a: 1}

    async def duplicate_skipped():
        return _consumed("order.created", "duplicate") > duplicates_before

    await _wait_for(duplicate_skipped)
    async with factory.database.connection() as conn:
        quantity = await conn.fetchval(
            "SELECT sum(quantity) FROM order_items WHERE order_id = $1", order.order_id
        )
    assert quantity == 1


async def test_a_backlog_queued_while_the_consumer_was_down_is_drained(client, app, settings):
    consumer = app.state.kit.consumer
    await consumer.stop()
    products = [product_created(category="backlog") for _ in range(150)]
    user = uuid.uuid4()
    orders = [order_created(user, [p.product_id]) for p in products[:50]]
    try:
        url = settings.amqp_url.get_secret_value()
        for event in [*products, *orders, *(order_paid(o) for o in orders)]:
            await publish_envelope(url, envelope(event))
    finally:
        await consumer.start()

    async def drained():
        async with app.state.kit.database.connection() as conn:
            known = await conn.fetchval(
                "SELECT count(*) FROM products WHERE product_id = ANY($1::uuid[])",
                [p.product_id for p in products],
            )
            paid = await conn.fetchval(
                "SELECT count(*) FROM orders WHERE user_id = $1 AND status = 'paid'", user
            )
        return known == 150 and paid == 50

    assert await _wait_for(drained, seconds=60)


async def test_a_paid_co_purchase_shows_in_related_products_within_30_seconds(
    client, settings, factory
):
    """Through the broker and the background refresher, as in production."""
    tag = uuid.uuid4().hex[:8]
    lamp = product_created(name=f"Brass desk lamp {tag}", category=f"lighting-{tag}")
    rug = product_created(name=f"Wool rug {tag}", category=f"floors-{tag}")
    url = settings.amqp_url.get_secret_value()
    for event in (lamp, rug):
        await publish_envelope(url, envelope(event))
    order = order_created(uuid.uuid4(), [lamp.product_id, rug.product_id])
    started = time.monotonic()
    await publish_envelope(url, envelope(order))
    await publish_envelope(url, envelope(order_paid(order)))

    async def listed():
        response = await client.get(f"/api/recommendations/related/{lamp.product_id}")
        if response.status_code != 200:
            return None
        body = response.json()
        if rug.product_id in ids(body):
            return body
        return None

    body = await _wait_for(listed, seconds=30)
    assert time.monotonic() - started < 30
    item = body["items"][ids(body).index(rug.product_id)]
    assert item["reason"] == f"Bought together with Brass desk lamp {tag}"
