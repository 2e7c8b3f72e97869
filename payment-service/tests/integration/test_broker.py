"""Through the real broker: the app's own consumer takes order.created from payment.events, and
its outbox relay publishes the outcome to shop.events."""

import asyncio
import time
import uuid
from collections.abc import AsyncIterator

import aio_pika
import orjson
import pytest
from payment_service_tests_factories import envelope, order_created
from shop_contracts import Envelope, parse_event
from shop_contracts.events import PaymentSucceeded
from sqlalchemy import text


@pytest.fixture
async def broker(settings) -> AsyncIterator[aio_pika.abc.AbstractRobustConnection]:
    connection = await aio_pika.connect_robust(settings.amqp_url.get_secret_value())
    yield connection
    await connection.close()


@pytest.fixture
async def payment_events(broker, client) -> AsyncIterator[aio_pika.abc.AbstractQueue]:
    """A private queue that sees every payment.* event published."""
    channel = await broker.channel()
    exchange = await channel.declare_exchange(
        "shop.events", aio_pika.ExchangeType.TOPIC, durable=True
    )
    queue = await channel.declare_queue(f"tap-payment-{uuid.uuid4().hex[:8]}", exclusive=True)
    await queue.bind(exchange, "payment.*")
    yield queue
    await channel.close()


async def _publish(broker, message: Envelope) -> None:
    channel = await broker.channel(publisher_confirms=True)
    exchange = await channel.get_exchange("shop.events")
    await exchange.publish(
        aio_pika.Message(
            message.model_dump_json().encode(),
            message_id=str(message.id),
            content_type="application/json",
            delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
        ),
        routing_key=message.type,
    )
    await channel.close()


async def _published_about(
    queue: aio_pika.abc.AbstractQueue, order_id: uuid.UUID, timeout: float = 10.0
) -> Envelope:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        message = await queue.get(no_ack=True, fail=False)
        if message is None:
            await asyncio.sleep(0.05)
            continue
        body = orjson.loads(message.body)
        if body["data"].get("order_id") == str(order_id):
            return Envelope.model_validate(body)
    raise AssertionError(f"nothing published about order {order_id}")


async def _payments_of(shop, order_id: uuid.UUID, timeout: float = 10.0) -> list[dict]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if payments := await shop.payments_for(order_id):
            return payments
        await asyncio.sleep(0.05)
    raise AssertionError(f"order {order_id} was not charged")


async def test_an_order_created_on_the_broker_is_charged_and_payment_success_is_published(
    shop, broker, payment_events
):
    customer = shop.customer()
    order = order_created(user_id=customer.id, payment_method="pm_card_mastercard")
    await _publish(broker, envelope(order))

    [payment] = await _payments_of(shop, order.order_id)
    assert payment["status"] == "APPROVED"
    published = await _published_about(payment_events, order.order_id)
    sent, event = parse_event(published)
    assert sent.type == "payment.success"
    assert sent.producer == "payment-service"
    assert isinstance(event, PaymentSucceeded)
    assert (event.payment_id, event.brand, event.last4) == (payment["id"], "mastercard", "4444")
    assert event.items == order.items


async def test_a_duplicate_on_the_broker_is_acked_without_a_second_charge(
    shop, broker, payment_events
):
    order = order_created(user_id=shop.customer().id)
    message = envelope(order)
    await _publish(broker, message)
    await _publish(broker, message)
    await _publish(broker, envelope(order))

    await _payments_of(shop, order.order_id)
    first = await _published_about(payment_events, order.order_id)
    assert first.type == "payment.success"
    with pytest.raises(AssertionError, match="nothing published"):
        await _published_about(payment_events, order.order_id, timeout=1.0)
    assert len(await shop.payments_for(order.order_id)) == 1


async def test_the_processing_delay_is_waited_out_before_the_charges_transaction(
    shop, broker, switch, sessions
):
    await switch(processing_delay_ms=800)
    order = order_created(user_id=shop.customer().id)
    started = time.monotonic()
    await _publish(broker, envelope(order))

    # While the processor "thinks", no transaction of the service is open and nothing is charged.
    await asyncio.sleep(0.1)
    async with sessions() as session:
        while time.monotonic() - started < 0.6:
            open_transactions = await session.scalar(
                text(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                    "AND application_name = 'payment-service' AND xact_start IS NOT NULL "
                    "AND pid <> pg_backend_pid()"
                )
            )
            assert open_transactions == 0
            assert await shop.payments_for(order.order_id) == []
            await session.rollback()
            await asyncio.sleep(0.05)

    [payment] = await _payments_of(shop, order.order_id)
    assert payment["status"] == "APPROVED"
    assert time.monotonic() - started >= 0.8
