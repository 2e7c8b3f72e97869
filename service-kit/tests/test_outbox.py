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
import pytest
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


# Writers that publish their own events after commit (a `Tx` with the relay as its publisher)


async def _outbox_rows(database) -> list[Any]:
    async with database.connection() as conn:
        return await conn.fetch(
            "SELECT id, attempts, published_at, last_error,"
            " extract(epoch FROM available_at - now()) AS wait FROM outbox ORDER BY created_at"
        )


async def _until(condition, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not await condition():
        assert time.monotonic() < deadline, "the condition never held"
        await asyncio.sleep(0.02)


async def test_a_writer_publishes_its_committed_event_itself_and_the_relay_marks_it_sent(
    database, settings, broker, tap
):
    relay = await _relay(settings, broker, poll_interval=30.0)
    database.publisher = relay
    task = asyncio.create_task(relay.run())
    try:
        await asyncio.sleep(0.3)  # the relay has run its first claim and waits on its 30 s poll
        event = _user_registered()
        started = time.perf_counter()
        async with database.transaction() as tx:
            await add_event(tx, event)
            staged = await _outbox_rows(database)
            assert staged == []  # not visible before the commit
        (message,) = await tap.collect(1, timeout=5)
        elapsed = time.perf_counter() - started

        async def marked() -> bool:
            return all(row["published_at"] is not None for row in await _outbox_rows(database))

        await _until(marked)
    finally:
        await relay.stop()
        task.cancel()
    assert parse_event(orjson.loads(message.body))[1] == event
    assert message.headers["traceparent"]
    # No notification and no claim could have sent it this fast: its row was leased to the
    # writer, and the relay slept on its 30 s poll.
    assert elapsed < 2.0
    (row,) = await _outbox_rows(database)
    assert row["attempts"] == 1 and row["last_error"] is None


async def test_a_writer_that_rolls_back_publishes_nothing(database, settings, broker, tap):
    relay = await _relay(settings, broker)
    database.publisher = relay

    async def failing_unit_of_work() -> None:
        async with database.transaction() as tx:
            await add_event(tx, _user_registered())
            raise RuntimeError("the unit of work fails")

    try:
        with pytest.raises(RuntimeError):
            await failing_unit_of_work()
        assert await tap.collect(0, timeout=0.5) == []
    finally:
        await relay.stop()
    assert await _outbox_rows(database) == []


async def test_an_event_its_writer_could_not_send_is_backed_off_and_sent_by_the_relay(
    database, settings, broker, tap
):
    async def no_broker() -> Any:
        raise ConnectionError("broker down")

    writer = OutboxRelay(dsn=settings.database_dsn, exchange_getter=no_broker)
    await writer.start()
    database.publisher = writer
    try:
        async with database.transaction() as tx:
            await add_event(tx, _user_registered())
        await writer.stop()  # waits for the send and writes its outcome
        (row,) = await _outbox_rows(database)
        assert row["published_at"] is None and row["attempts"] == 1
        assert "broker down" in row["last_error"]
        # Given back at its first backoff, not held for the writer's lease.
        assert 0 < row["wait"] <= backoff_seconds(1) + 0.5 < LEASE_SECONDS
        await asyncio.sleep(backoff_seconds(1) + 0.1)
        relay = await _relay(settings, broker)
        try:
            assert await relay.publish_batch() == 1
        finally:
            await relay.stop()
    finally:
        await writer.stop()
    assert len(await tap.collect(1)) == 1
    (row,) = await _outbox_rows(database)
    assert row["published_at"] is not None


class _DiesAfterCommit:
    """A writer whose process dies between its commit and its publication."""

    def publish_committed(self, rows) -> None:
        pass


async def test_an_event_whose_writer_died_after_commit_is_published_by_the_relay_when_its_lease_ends(
    database, settings, broker, tap
):
    database.publisher = _DiesAfterCommit()
    async with database.transaction() as tx:
        await add_event(tx, _user_registered())
    relay = await _relay(settings, broker)
    try:
        (row,) = await _outbox_rows(database)
        assert LEASE_SECONDS - 2 < row["wait"] <= LEASE_SECONDS
        assert await relay.publish_batch() == 0  # still the writer's
        async with database.connection() as conn:  # its lease runs out
            await conn.execute("UPDATE outbox SET available_at = now()")
        assert await relay.publish_batch() == 1
    finally:
        await relay.stop()
    assert len(await tap.collect(1)) == 1
    (row,) = await _outbox_rows(database)
    assert row["published_at"] is not None
