import asyncio
import uuid

import aio_pika
import pytest
from service_kit.consumer import EventConsumer, Handlers
from service_kit.dlq import list_dead_letters, replay_dead_letters
from service_kit.outbox import add_event
from service_kit.pg import Tx
from shop_contracts import Envelope
from shop_contracts.events import ProductDeleted, UserRegistered
from sqlalchemy import text


def _service() -> str:
    return f"kit{uuid.uuid4().hex[:8]}"


class Probe:
    """Handlers that record their effect, and fail on demand."""

    def __init__(self) -> None:
        self.handlers = Handlers()
        self.failing: set[uuid.UUID] = set()
        self.calls: list[uuid.UUID] = []
        self.transactions: set[int] = set()

        @self.handlers.on(UserRegistered)
        async def on_user(tx: Tx, event: UserRegistered, envelope: Envelope) -> None:
            self.calls.append(envelope.id)
            if envelope.id in self.failing:
                raise RuntimeError("handler failure")
            await tx.conn.execute(
                "INSERT INTO effects (event_id, note) VALUES ($1, $2)", envelope.id, event.username
            )
            self.transactions.add(await tx.conn.fetchval("SELECT txid_current()"))
            # An event emitted by a handler carries the correlation id, caused by this one.
            await add_event(tx, ProductDeleted(product_id=event.user_id))


def _envelope(username: str = "alice") -> Envelope:
    event = UserRegistered(
        user_id=uuid.uuid4(), username=username, email="a@example.com", role="customer"
    )
    return Envelope.wrap(event, producer="test")


async def _publish(broker, routing_key: str, body: bytes, message_id: str | None = None) -> None:
    channel = await broker.channel(publisher_confirms=True)
    exchange = await channel.declare_exchange(
        "shop.events", aio_pika.ExchangeType.TOPIC, durable=True
    )
    await exchange.publish(
        aio_pika.Message(
            body, message_id=message_id, delivery_mode=aio_pika.DeliveryMode.PERSISTENT
        ),
        routing_key=routing_key,
    )
    await channel.close()


async def _effects(sessions) -> list:
    async with sessions() as session:
        rows = await session.execute(text("SELECT event_id, note FROM effects ORDER BY id"))
        return [tuple(r) for r in rows.all()]


async def _until(predicate, timeout: float = 15.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while asyncio.get_running_loop().time() < deadline:
        if await predicate():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("condition not reached in time")


@pytest.fixture
async def consumer_of(broker, database):
    started: list[EventConsumer] = []

    async def start(
        probe: Probe, service: str, delivery_limit: int = 3, batch_size: int = 1
    ) -> EventConsumer:
        consumer = EventConsumer(
            service=service,
            connection=broker,
            database=database,
            handlers=probe.handlers,
            prefetch=8 if batch_size == 1 else 4 * batch_size,
            delivery_limit=delivery_limit,
            batch_size=batch_size,
        )
        await consumer.start()
        started.append(consumer)
        return consumer

    yield start
    for consumer in started:
        await consumer.stop()
        channel = await broker.channel()
        await channel.queue_delete(f"{consumer.service}.events")
        await channel.queue_delete(f"{consumer.service}.events.dlq")
        await channel.close()


async def test_same_event_delivered_twice_has_one_effect(consumer_of, broker, sessions):
    probe = Probe()
    await consumer_of(probe, _service())
    envelope = _envelope()
    body = envelope.model_dump_json().encode()
    await _publish(broker, "user.registered", body, str(envelope.id))
    await _publish(broker, "user.registered", body, str(envelope.id))
    await _until(lambda: _count_calls_and_inbox(sessions, probe, 1))
    await asyncio.sleep(0.5)
    assert await _effects(sessions) == [(envelope.id, "alice")]
    async with sessions() as session:
        inbox = (await session.execute(text("SELECT count(*) FROM inbox"))).scalar_one()
        outbox = (await session.execute(text("SELECT body FROM outbox"))).scalars().all()
    assert inbox == 1
    assert len(outbox) == 1
    emitted = Envelope.model_validate_json(outbox[0])
    assert emitted.correlation_id == envelope.correlation_id
    assert emitted.causation_id == envelope.id


async def _count_calls_and_inbox(sessions, probe, n: int) -> bool:
    async with sessions() as session:
        return (await session.execute(text("SELECT count(*) FROM inbox"))).scalar_one() >= n


async def test_failing_handler_ends_in_dlq_while_later_messages_flow_and_replay_applies_it(
    consumer_of, broker, sessions, settings
):
    probe = Probe()
    service = _service()
    await consumer_of(probe, service, delivery_limit=2)
    poison = _envelope("poison")
    probe.failing.add(poison.id)
    await _publish(broker, "user.registered", poison.model_dump_json().encode(), str(poison.id))
    later = [_envelope(f"later{i}") for i in range(5)]
    for env in later:
        await _publish(broker, "user.registered", env.model_dump_json().encode(), str(env.id))

    await _until(lambda: _has_effects(sessions, 5))
    amqp = settings.amqp_url.get_secret_value()

    async def dead_lettered() -> bool:
        return len(await list_dead_letters(amqp, service)) == 1

    await _until(dead_lettered, timeout=30)
    (letter,) = await list_dead_letters(amqp, service)
    assert letter.message_id == str(poison.id)
    assert letter.body is not None and letter.body["type"] == "user.registered"
    assert probe.calls.count(poison.id) == 3  # first delivery + 2 redeliveries, then dead-lettered
    assert {e for e, _ in await _effects(sessions)} == {e.id for e in later}

    # The operator fixes the cause and replays: the event is applied, the DLQ is empty.
    probe.failing.clear()
    assert await replay_dead_letters(amqp, service) == 1
    await _until(lambda: _has_effects(sessions, 6))
    assert poison.id in {e for e, _ in await _effects(sessions)}
    assert await list_dead_letters(amqp, service) == []


async def _has_effects(sessions, n: int) -> bool:
    return len(await _effects(sessions)) >= n


async def test_message_that_is_not_a_valid_event_is_dead_lettered_at_once(
    consumer_of, broker, sessions, settings
):
    probe = Probe()
    service = _service()
    await consumer_of(probe, service, delivery_limit=5)
    await _publish(broker, "user.registered", b"not json", "garbage-1")
    bad_data = _envelope().model_dump(mode="json")
    bad_data["data"]["user_id"] = "not-a-uuid"
    import orjson

    await _publish(broker, "user.registered", orjson.dumps(bad_data), "bad-schema-1")
    good = _envelope("good")
    await _publish(broker, "user.registered", good.model_dump_json().encode(), str(good.id))
    await _until(lambda: _has_effects(sessions, 1))
    amqp = settings.amqp_url.get_secret_value()

    async def two_dead() -> bool:
        return len(await list_dead_letters(amqp, service)) == 2

    await _until(two_dead)
    assert {d.message_id for d in await list_dead_letters(amqp, service)} == {
        "garbage-1",
        "bad-schema-1",
    }
    assert probe.calls == [good.id]


async def test_stop_lets_the_event_being_handled_commit_and_be_acked(consumer_of, broker, sessions):
    """A graceful shutdown (SIGTERM: uvicorn ends the app's lifespan) drains the consumer: no
    new message is taken, and the one being handled commits and is acked."""
    probe = Probe()
    started = asyncio.Event()
    release = asyncio.Event()

    @probe.handlers.on(ProductDeleted)
    async def slow(tx: Tx, event: ProductDeleted, envelope: Envelope) -> None:
        started.set()
        await release.wait()
        await tx.conn.execute(
            "INSERT INTO effects (event_id, note) VALUES ($1, 'slow')", envelope.id
        )

    consumer = await consumer_of(probe, _service())
    first = Envelope.wrap(ProductDeleted(product_id=uuid.uuid4()), producer="test")
    await _publish(broker, "product.deleted", first.model_dump_json().encode(), str(first.id))
    await asyncio.wait_for(started.wait(), 15)

    stopping = asyncio.create_task(consumer.stop())
    await asyncio.sleep(0.3)
    assert not stopping.done()  # it waits for the handler
    second = Envelope.wrap(ProductDeleted(product_id=uuid.uuid4()), producer="test")
    await _publish(broker, "product.deleted", second.model_dump_json().encode(), str(second.id))
    release.set()
    await asyncio.wait_for(stopping, 10)

    assert await _effects(sessions) == [(first.id, "slow")]
    channel = await broker.channel()
    queue = await channel.declare_queue(f"{consumer.service}.events", passive=True)
    # The first was acked; the second waits in the queue for the next replica.
    assert queue.declaration_result.message_count == 1
    await channel.close()


async def _backlog(consumer_of, broker, probe: Probe, service: str, bodies, **options):
    """Declares the service's queue, leaves it holding `bodies` (routing key, envelope), then
    starts a consumer on it: what a service finds when it starts after a while away."""
    first = await consumer_of(Probe(), service, **options)
    await first.stop()
    for routing_key, envelope in bodies:
        await _publish(broker, routing_key, envelope.model_dump_json().encode(), str(envelope.id))
    return await consumer_of(probe, service, **options)


async def test_a_backlog_is_applied_in_batches_each_event_once_with_its_own_context(
    consumer_of, broker, sessions
):
    probe = Probe()
    service = _service()
    events = [_envelope(f"user{i}") for i in range(40)]
    copies = [events[3], events[17]]  # delivered twice, in the same backlog
    bodies = [("user.registered", e) for e in [*events, *copies]]
    consumer = await _backlog(consumer_of, broker, probe, service, bodies, batch_size=16)

    await _until(lambda: _has_effects(sessions, 40))
    await asyncio.sleep(0.5)
    assert sorted(e for e, _ in await _effects(sessions)) == sorted(e.id for e in events)
    # Fewer transactions than events: each batch shared one (and one commit).
    assert 3 <= len(probe.transactions) < 40
    async with sessions() as session:
        inbox = (await session.execute(text("SELECT count(*) FROM inbox"))).scalar_one()
        emitted = (await session.execute(text("SELECT body FROM outbox"))).scalars().all()
    assert inbox == 40
    # What a handler emits in a batch is caused by its own event, in that event's correlation.
    causes = {e.id: e.correlation_id for e in events}
    assert len(emitted) == 40
    for body in emitted:
        envelope = Envelope.model_validate_json(body)
        assert envelope.causation_id is not None
        assert causes[envelope.causation_id] == envelope.correlation_id
    channel = await broker.channel()
    queue = await channel.declare_queue(f"{consumer.service}.events", passive=True)
    assert queue.declaration_result.message_count == 0  # every copy acked
    await channel.close()


async def test_a_failing_event_in_a_batch_costs_its_batch_once_and_ends_alone_in_the_dlq(
    consumer_of, broker, sessions, settings
):
    probe = Probe()
    service = _service()
    events = [_envelope(f"user{i}") for i in range(12)]
    poison = events[5]
    probe.failing.add(poison.id)
    bodies = [("user.registered", e) for e in events]
    await _backlog(consumer_of, broker, probe, service, bodies, batch_size=8, delivery_limit=2)
    amqp = settings.amqp_url.get_secret_value()

    async def dead_lettered() -> bool:
        return len(await list_dead_letters(amqp, service)) == 1

    await _until(lambda: _has_effects(sessions, 11))
    await _until(dead_lettered, timeout=30)
    # The others, rolled back with the failed batch and applied again one at a time, count once.
    assert sorted(e for e, _ in await _effects(sessions)) == sorted(
        e.id for e in events if e is not poison
    )
    # Its batch, then alone on that delivery and on each redelivery (never in a batch again).
    assert probe.calls.count(poison.id) == 4
