import asyncio
import os
import subprocess
import sys
import textwrap
import time
import uuid
from typing import Any

import aio_pika
import orjson
from service_kit.outbox import (
    LEASE_SECONDS,
    ExchangeGetter,
    OutboxRelay,
    add_event,
    backoff_seconds,
)
from shop_contracts import Envelope, parse_event
from shop_contracts.events import UserRegistered
from sqlalchemy import text


def _user_registered() -> UserRegistered:
    uid = uuid.uuid4()
    return UserRegistered(
        user_id=uid, username=f"u{uid.hex[:6]}", email="a@example.com", role="customer"
    )


async def _relay(settings, broker, **kw) -> OutboxRelay:
    relay = OutboxRelay(dsn=settings.database_dsn, exchange_getter=ExchangeGetter(broker), **kw)
    await relay.start()
    return relay


async def _the_outbox_row(sessions) -> Any:
    """The one outbox row: its attempts, publication, error, and seconds until it is due."""
    async with sessions() as session:
        query = text(
            "SELECT attempts, published_at, last_error, "
            "extract(epoch FROM available_at - now()) AS wait FROM outbox"
        )
        return (await session.execute(query)).one()


async def test_event_of_a_rolled_back_transaction_is_never_published(
    sessions, settings, broker, tap
):
    rolled_back = _user_registered()
    committed = _user_registered()
    async with sessions() as session:
        await session.begin()
        await add_event(session, rolled_back)
        await session.rollback()
    async with sessions() as session, session.begin():
        await add_event(session, committed)
    relay = await _relay(settings, broker)
    try:
        assert await relay.publish_batch() == 1
    finally:
        await relay.stop()
    messages = await tap.collect(1)
    events = [parse_event(orjson.loads(m.body))[1] for m in messages]
    assert events == [committed]


async def test_event_committed_before_a_crash_is_published_exactly_once_after_restart(
    sessions, settings, broker, tap
):
    # A separate process commits an event and dies (SIGKILL-like) before any relay runs.
    script = textwrap.dedent(
        """
        import asyncio, os, uuid
        from service_kit.config import ServiceSettings
        from service_kit.db import create_engine, create_session_factory
        from service_kit.outbox import add_event
        from shop_contracts.events import UserRegistered

        async def main():
            settings = ServiceSettings(service_name="kittest-service", database_name="shop_kit_test")
            sessions = create_session_factory(create_engine(settings), settings)
            async with sessions() as session, session.begin():
                env = await add_event(session, UserRegistered(
                    user_id=uuid.uuid4(), username="crash", email="c@example.com", role="customer"))
            print(env.id, flush=True)
            os._exit(9)

        asyncio.run(main())
        """
    )
    proc = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=os.environ, timeout=60
    )
    assert proc.returncode == 9, proc.stderr
    event_id = uuid.UUID(proc.stdout.strip())
    async with sessions() as session:
        row = (
            await session.execute(
                text("SELECT published_at FROM outbox WHERE id = :id"), {"id": event_id}
            )
        ).one()
    assert row.published_at is None

    # The service starts again: its relay publishes the event once, and only once.
    relay = await _relay(settings, broker)
    try:
        assert await relay.publish_batch() == 1
        assert await relay.publish_batch() == 0
    finally:
        await relay.stop()
    messages = await tap.collect(1)
    assert [m.message_id for m in messages] == [str(event_id)]
    async with sessions() as session:
        published = (
            await session.execute(
                text("SELECT published_at FROM outbox WHERE id = :id"), {"id": event_id}
            )
        ).scalar_one()
    assert published is not None


async def test_messages_are_persistent_with_envelope_properties_and_trace_context(
    sessions, settings, broker, tap
):
    async with sessions() as session, session.begin():
        envelope = await add_event(session, _user_registered())
    relay = await _relay(settings, broker)
    try:
        await relay.publish_batch()
    finally:
        await relay.stop()
    (message,) = await tap.collect(1)
    assert message.delivery_mode == aio_pika.DeliveryMode.PERSISTENT
    assert message.message_id == str(envelope.id)
    assert message.content_type == "application/json"
    assert message.routing_key == "user.registered"
    assert str(message.headers["traceparent"]).startswith("00-")
    body = Envelope.model_validate_json(message.body)
    assert body.producer == "kittest-service"
    assert body.correlation_id == envelope.correlation_id


async def test_publishing_uses_confirms_and_mandatory_so_an_unroutable_event_is_retried_not_lost(
    sessions, settings, broker
):
    getter = ExchangeGetter(broker)
    await getter()
    assert getter._channel is not None and getter._channel.publisher_confirms is True
    # A routing key no queue is bound to: with `mandatory` the broker returns it, and the relay
    # keeps the row with a backoff instead of marking it sent.
    async with sessions() as session, session.begin():
        await session.execute(
            text(
                "INSERT INTO outbox (id, routing_key, body) VALUES (:id, 'nobody.listens', :body)"
            ),
            {"id": uuid.uuid4(), "body": b"{}"},
        )
    relay = await _relay(settings, broker)
    try:
        assert await relay.publish_batch() == 1
        assert await relay.publish_batch() == 0  # backed off, not retried at once
    finally:
        await relay.stop()
    row = await _the_outbox_row(sessions)
    assert row.published_at is None
    assert row.attempts == 1
    assert row.last_error
    assert row.wait > 0


async def test_relay_is_woken_by_the_commit_not_by_its_poll(sessions, settings, broker, tap):
    relay = await _relay(settings, broker, poll_interval=30.0)
    task = asyncio.create_task(relay.run())
    try:
        await asyncio.sleep(0.3)  # the relay is now waiting on its 30 s poll
        started = time.perf_counter()
        async with sessions() as session, session.begin():
            await add_event(session, _user_registered())
        messages = await tap.collect(1, timeout=5)
        elapsed = time.perf_counter() - started
    finally:
        await relay.stop()
        task.cancel()
    assert len(messages) == 1
    assert elapsed < 2.0, f"published after {elapsed:.3f}s: the relay waited for its poll"


async def test_a_batch_claimed_while_the_broker_is_unreachable_backs_off_instead_of_waiting_its_lease(
    sessions, settings
):
    async def no_broker() -> Any:
        raise ConnectionError("broker down")

    async with sessions() as session, session.begin():
        await add_event(session, _user_registered())
    relay = OutboxRelay(dsn=settings.database_dsn, exchange_getter=no_broker)
    await relay.start()
    try:
        assert await relay.publish_batch() == 1
    finally:
        await relay.stop()
    row = await _the_outbox_row(sessions)
    assert row.published_at is None
    assert row.attempts == 1
    assert "broker down" in row.last_error
    # The first backoff (0.5 s), not the 10 s lease of a claim.
    assert 0 < row.wait <= backoff_seconds(1) + 0.5 < LEASE_SECONDS
