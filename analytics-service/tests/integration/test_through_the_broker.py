"""Events published to RabbitMQ reach the figures; a backlog is drained; the queue is bound to
every event type of the platform, and every one has a handler."""

import asyncio
import uuid
from datetime import timedelta

from analytics_service.consumers import handlers
from analytics_service_tests_factories import Order, envelope, line, window
from service_kit.testing import publish_envelope
from shop_contracts import EVENT_TYPES, SUBSCRIPTIONS


def test_every_event_type_is_bound_and_handled():
    assert set(SUBSCRIPTIONS["analytics"]) == set(EVENT_TYPES)
    assert set(handlers.routing_keys) == set(EVENT_TYPES)


async def test_a_backlog_published_to_the_broker_is_drained_into_the_figures(
    client, admin, amqp_url, pg
):
    day = window()
    orders = [Order([line(uuid.uuid4(), 1, 1000)]) for _ in range(100)]
    envelopes = []
    for n, order in enumerate(orders):
        at = day + timedelta(minutes=n)
        envelopes.append(envelope(order.paid(), at + timedelta(seconds=1)))  # out of order
        envelopes.append(envelope(order.created(), at))
    for env in envelopes:
        await publish_envelope(amqp_url, env)
    await publish_envelope(amqp_url, envelopes[0], times=2)  # redelivered: counts once

    params = {"from": day.isoformat(), "to": (day + timedelta(days=1)).isoformat()}
    for _ in range(600):  # a loaded machine drains slowly
        figures = (await client.get("/api/analytics/summary", params=params, headers=admin)).json()
        if figures["paid_orders"] == 100:
            break
        await asyncio.sleep(0.1)
    assert figures["orders"] == 100
    assert figures["paid_orders"] == 100
    assert figures["revenue_cents"] == 100_000
    async with pg.connection() as conn:
        stored = await conn.fetchval(
            "SELECT count(*) FROM events WHERE id = ANY($1::uuid[])", [e.id for e in envelopes]
        )
    assert stored == 200
