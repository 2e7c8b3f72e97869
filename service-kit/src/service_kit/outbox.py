"""Transactional outbox.

`add_event(session, event)` writes the event in the caller's transaction. The relay claims a
batch of unpublished rows in one statement (FOR UPDATE SKIP LOCKED, taking a lease on them by
moving their `available_at` LEASE_SECONDS ahead, so replicas never publish the same row at
once), publishes them persistent and mandatory with publisher confirms, marks the confirmed ones
sent in a second statement, and backs off rows that failed. Two round trips a batch, no
transaction held open while the broker confirms. NOTIFY on commit wakes it at once; a slow poll
covers a missed notification. A crash between commit and publish leaves the row to publish on
the next start; a crash between claim and marking leaves it to publish again once its lease
ends, which consumers absorb through their inbox (at-least-once, effectively once).
"""

import asyncio
import contextlib
import logging
from datetime import UTC, datetime, timedelta
from typing import Any

import aio_pika
import asyncpg
import orjson
from aio_pika.abc import AbstractExchange
from shop_contracts import Envelope, Event
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from service_kit.context import (
    TraceParent,
    causation_id_var,
    current_correlation_id,
    traceparent_var,
)
from service_kit.metrics import OUTBOX_FAILURES, OUTBOX_LAG, OUTBOX_PUBLISHED
from service_kit.pg import Tx

log = logging.getLogger(__name__)

NOTIFY_CHANNEL = "shop_outbox"
MAX_BACKOFF_SECONDS = 60.0
# How long a claimed row stays out of other relays' reach; a batch takes milliseconds.
LEASE_SECONDS = 10

_CLAIM = (
    "UPDATE outbox SET available_at = now() + make_interval(secs => $2) "
    "WHERE id IN (SELECT id FROM outbox WHERE published_at IS NULL AND available_at <= now() "
    "ORDER BY created_at LIMIT $1 FOR UPDATE SKIP LOCKED) "
    "RETURNING id, routing_key, body, headers, attempts, created_at"
)
_MARK_SENT = (
    "UPDATE outbox SET published_at = now(), attempts = attempts + 1 WHERE id = ANY($1::uuid[])"
)
_BACK_OFF = (
    "UPDATE outbox AS o SET attempts = f.attempts, available_at = f.available_at, "
    "last_error = f.error "
    "FROM unnest($1::uuid[], $2::int[], $3::timestamptz[], $4::text[]) "
    "AS f(id, attempts, available_at, error) WHERE o.id = f.id"
)

# One round trip: insert the row and queue a notification, delivered when the caller commits.
_INSERT_AND_NOTIFY = text(
    "WITH staged AS (INSERT INTO outbox (id, routing_key, body, headers) "
    "VALUES (:id, :routing_key, :body, CAST(:headers AS jsonb)) RETURNING id) "
    "SELECT pg_notify(:channel, '') FROM staged"
)


_INSERT_AND_NOTIFY_SQL = (
    "WITH staged AS (INSERT INTO outbox (id, routing_key, body, headers) "
    "VALUES ($1, $2, $3, $4::jsonb) RETURNING id) "
    "SELECT pg_notify($5, '') FROM staged"
)


async def add_event(target: AsyncSession | Tx, event: Event) -> Envelope:
    """Stage `event` for publication in the transaction of `target` (a session, or a `Tx` on
    asyncpg); it is sent after commit."""
    producer: str | None
    if isinstance(target, Tx):
        producer = target.producer
    else:
        producer = target.info.get("producer") or target.sync_session.info.get("producer")
    if not producer:
        raise RuntimeError("the session factory does not name its producer")
    envelope = Envelope.wrap(
        event,
        producer=producer,
        correlation_id=current_correlation_id(),
        causation_id=causation_id_var.get(),
    )
    parent = TraceParent.parse(traceparent_var.get()) or TraceParent.new()
    body = envelope.model_dump_json().encode()
    headers = {"traceparent": str(parent.child())}
    if isinstance(target, Tx):  # the pool's connections encode jsonb themselves
        await target.conn.execute(
            _INSERT_AND_NOTIFY_SQL, envelope.id, envelope.type, body, headers, NOTIFY_CHANNEL
        )
    else:
        await target.execute(
            _INSERT_AND_NOTIFY,
            {
                "id": envelope.id,
                "routing_key": envelope.type,
                "body": body,
                "headers": orjson.dumps(headers).decode(),
                "channel": NOTIFY_CHANNEL,
            },
        )
    return envelope


def backoff_seconds(attempts: int) -> float:
    return float(min(MAX_BACKOFF_SECONDS, 0.5 * 2 ** max(0, attempts - 1)))


class OutboxRelay:
    def __init__(
        self,
        *,
        dsn: str,
        exchange_getter: "ExchangeGetter",
        batch_size: int = 100,
        poll_interval: float = 2.0,
    ) -> None:
        self.dsn = dsn
        self.exchange_getter = exchange_getter
        self.batch_size = batch_size
        self.poll_interval = poll_interval
        self._wake = asyncio.Event()
        self._conn: asyncpg.Connection | None = None
        self._listener: asyncpg.Connection | None = None
        self._stopping = False

    async def start(self) -> None:
        # One batch at a time: one connection is all the relay uses (a plain connection: a
        # pool would reset it after every batch, one more round trip).
        self._conn = await asyncpg.connect(self.dsn)
        await self._listen()

    async def _connection(self) -> asyncpg.Connection:
        if self._conn is None or self._conn.is_closed():
            self._conn = await asyncpg.connect(self.dsn)
        return self._conn

    async def _listen(self) -> None:
        with contextlib.suppress(Exception):
            if self._listener is not None:
                await self._listener.close()
        self._listener = await asyncpg.connect(self.dsn)
        await self._listener.add_listener(NOTIFY_CHANNEL, self._notified)

    def _notified(self, *_: Any) -> None:
        self._wake.set()

    async def stop(self) -> None:
        self._stopping = True
        self._wake.set()
        if self._listener is not None:
            with contextlib.suppress(Exception):
                await self._listener.close()
        if self._conn is not None:
            with contextlib.suppress(Exception):
                await self._conn.close()

    async def run(self) -> None:
        """Publish until stopped; survives database and broker outages."""
        while not self._stopping:
            try:
                if self._listener is None or self._listener.is_closed():
                    await self._listen()
                claimed = await self.publish_batch()
                if claimed >= self.batch_size:
                    continue
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), self.poll_interval)
                self._wake.clear()
            except asyncio.CancelledError:
                raise
            except Exception:
                if self._stopping:
                    return
                log.warning("outbox relay error; retrying", exc_info=True)
                await asyncio.sleep(1.0)

    async def publish_batch(self) -> int:
        """Claim and publish one batch. Returns how many rows were claimed."""
        conn = await self._connection()
        claimed = await conn.fetch(_CLAIM, self.batch_size, LEASE_SECONDS)
        if not claimed:
            return 0
        rows = sorted(claimed, key=lambda row: row["created_at"])
        results: list[BaseException | None]
        try:
            exchange = await self.exchange_getter()
        except Exception as unreachable:
            # No broker: every row of the batch backs off (its lease is given back early).
            results = [unreachable] * len(rows)
        else:
            results = await asyncio.gather(
                *(self._publish(exchange, row) for row in rows), return_exceptions=True
            )
        sent = [row["id"] for row, res in zip(rows, results, strict=True) if res is None]
        failed = [(row, res) for row, res in zip(rows, results, strict=True) if res is not None]
        if sent:
            await conn.execute(_MARK_SENT, sent)
            OUTBOX_PUBLISHED.inc(len(sent))
            now = datetime.now(UTC)
            for row in rows:
                if row["id"] in sent:
                    OUTBOX_LAG.observe((now - row["created_at"]).total_seconds())
        if failed:
            # One statement for the whole batch: with the broker gone, every row fails at once.
            OUTBOX_FAILURES.inc(len(failed))
            now = datetime.now(UTC)
            attempts = [row["attempts"] + 1 for row, _ in failed]
            await conn.execute(
                _BACK_OFF,
                [row["id"] for row, _ in failed],
                attempts,
                [now + timedelta(seconds=backoff_seconds(n)) for n in attempts],
                [repr(exc)[:1000] for _, exc in failed],
            )
            log.warning(
                "outbox publish failed; backing off",
                extra={
                    "events": len(failed),
                    "event_ids": [str(row["id"]) for row, _ in failed[:10]],
                    "error": repr(failed[0][1]),
                },
            )
        return len(rows)

    @staticmethod
    async def _publish(exchange: AbstractExchange, row: asyncpg.Record) -> None:
        headers = row["headers"]
        if isinstance(headers, str):
            headers = orjson.loads(headers)
        body: bytes = row["body"]
        envelope = orjson.loads(body)
        message = aio_pika.Message(
            body,
            content_type="application/json",
            delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
            message_id=str(row["id"]),
            correlation_id=envelope.get("correlation_id"),
            type=row["routing_key"],
            app_id=envelope.get("producer"),
            headers=headers,
        )
        await exchange.publish(message, routing_key=row["routing_key"], mandatory=True)


class ExchangeGetter:
    """Returns the publishing exchange on a confirm channel, reopening it after a failure."""

    def __init__(self, connection: "aio_pika.abc.AbstractRobustConnection") -> None:
        self.connection = connection
        self._channel: aio_pika.abc.AbstractChannel | None = None
        self._exchange: AbstractExchange | None = None

    async def __call__(self) -> AbstractExchange:
        if self._channel is None or self._channel.is_closed or self._exchange is None:
            from service_kit.broker import declare_platform

            self._channel = await self.connection.channel(
                publisher_confirms=True, on_return_raises=True
            )
            await declare_platform(self._channel)
            self._exchange = await self._channel.get_exchange("shop.events", ensure=False)
        return self._exchange
