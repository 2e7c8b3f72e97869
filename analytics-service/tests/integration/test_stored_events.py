"""Every event is stored as delivered (unknown fields included), once; an event that breaks its
schema is refused (the consumer dead-letters it) and stores nothing."""

import uuid
from datetime import UTC, datetime

import pytest
from analytics_service.consumers import handlers
from analytics_service_tests_factories import Order, envelope, line
from service_kit.consumer import PoisonMessage, handle_event
from shop_contracts import Envelope
from shop_contracts.events import ProductDeleted, UserRegistered


async def _stored(pg, event_id):
    async with pg.connection() as conn:
        return await conn.fetch("SELECT type, producer, data FROM events WHERE id = $1", event_id)


@pytest.mark.parametrize(
    "event",
    [
        UserRegistered(
            user_id=uuid.uuid4(), username="ada", email="ada@example.com", role="customer"
        ),
        ProductDeleted(product_id=uuid.uuid4()),
        Order([line(uuid.uuid4(), 1, 100)]).created(),
    ],
    ids=["user.registered", "product.deleted", "order.created"],
)
async def test_an_event_is_stored_once_with_its_data_as_delivered(shop, pg, event):
    env = envelope(event, datetime.now(UTC))
    env = env.model_copy(update={"data": {**env.data, "added_in_a_later_version": True}})

    assert await shop.deliver(env) is True
    assert await shop.deliver(env) is False

    rows = await _stored(pg, env.id)
    assert len(rows) == 1
    assert rows[0]["type"] == event.TYPE
    assert rows[0]["data"] == env.data


async def test_an_event_that_breaks_its_schema_is_refused_and_stores_nothing(pg):
    bad = Envelope(
        type="order.created",
        version=1,
        producer="order-service",
        correlation_id=uuid.uuid4(),
        data={"order_id": "not-a-uuid", "items": []},
    )

    with pytest.raises(PoisonMessage):
        await handle_event(pg, handlers, bad)

    assert await _stored(pg, bad.id) == []
