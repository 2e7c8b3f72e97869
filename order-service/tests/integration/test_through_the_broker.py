"""The running service on the real RabbitMQ: the outbox relay publishes order.created, and the
consumer takes the saga's events from the order queue."""

import asyncio
import uuid
from collections.abc import AsyncIterator

import aio_pika
import pytest
from order_service_tests_factories import payment_refunded, payment_succeeded, stock_insufficient
from service_kit.dlq import list_dead_letters
from service_kit.topology import EXCHANGE, dead_letter_queue_name
from shop_contracts import Envelope, Event
from shop_contracts.events import OrderCreated


@pytest.fixture
async def broker(settings) -> AsyncIterator[aio_pika.abc.AbstractRobustConnection]:
    connection = await aio_pika.connect_robust(settings.amqp_url.get_secret_value())
    yield connection
    await connection.close()


async def _publish(broker, event: Event) -> Envelope:
    envelope = Envelope.wrap(event, producer="payment-service")
    channel = await broker.channel(publisher_confirms=True)
    exchange = await channel.get_exchange(EXCHANGE)
    await exchange.publish(
        aio_pika.Message(
            envelope.model_dump_json().encode(),
            message_id=str(envelope.id),
            content_type="application/json",
            delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
        ),
        routing_key=envelope.type,
    )
    await channel.close()
    return envelope


async def _until(predicate, timeout: float = 10.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while asyncio.get_running_loop().time() < deadline:
        if await predicate():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("condition not reached in time")


async def test_checkout_publishes_order_created_to_the_exchange(shop, broker):
    channel = await broker.channel()
    tap = await channel.declare_queue(f"order-test-tap-{uuid.uuid4().hex[:8]}", exclusive=True)
    await tap.bind(EXCHANGE, "order.created")

    order = await shop.place_order()

    [staged] = await shop.events(order["id"], "order.created")
    received: list[aio_pika.abc.AbstractIncomingMessage] = []

    async def published() -> bool:
        while (message := await tap.get(no_ack=True, fail=False)) is not None:
            received.append(message)
        return any(m.message_id == str(staged.id) for m in received)

    await _until(published)
    message = next(m for m in received if m.message_id == str(staged.id))
    assert message.content_type == "application/json"
    assert message.headers["traceparent"].startswith("00-")
    envelope = Envelope.model_validate_json(message.body)
    assert OrderCreated.model_validate(envelope.data).order_id == uuid.UUID(order["id"])
    await channel.close()


async def test_saga_events_from_the_broker_move_the_order(shop, broker):
    order = await shop.place_order()

    await _publish(broker, payment_succeeded(order))

    async def status_is(status: str) -> bool:
        return (await shop.order(order["id"]))["status"] == status

    await _until(lambda: status_is("PAID"))
    await _publish(broker, stock_insufficient(order))
    await _publish(broker, payment_refunded(order))
    await _until(lambda: status_is("CANCELLED"))
    final = await shop.order(order["id"])
    assert final["cancel_reason"] == "out_of_stock"
    assert [h["status"] for h in final["status_history"]][-1] == "CANCELLED"


async def test_event_for_an_unknown_order_is_dead_lettered(shop, broker, settings):
    amqp = settings.amqp_url.get_secret_value()
    ghost = {
        "id": str(uuid.uuid4()),
        "user_id": str(uuid.uuid4()),
        "total_cents": 100,
        "currency": "USD",
        "items": [],
    }

    envelope = await _publish(broker, payment_succeeded(ghost))

    async def dead_lettered() -> bool:
        return str(envelope.id) in {d.message_id for d in await list_dead_letters(amqp, "order")}

    await _until(dead_lettered)
    channel = await broker.channel()
    await (await channel.get_queue(dead_letter_queue_name("order"))).purge()
    await channel.close()
