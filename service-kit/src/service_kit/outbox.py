"""Transactional outbox.

`add_event(session_or_tx, event)` writes the event in the caller's transaction.

On a `Tx` of a process that publishes (the services' hot paths), the row is written leased to
its writer (`available_at` LEASE_SECONDS ahead) and the writer sends it itself right after the
commit, from memory, and marks it sent: no NOTIFY, no claim, one round trip less per event and
no relay wake-up between a commit and its publication. Marks are written in batches.

Everything else is the relay's: rows written through a session, rows a writer could not send
(backed off at once), and rows of a writer that died between its commit and its publication
(their lease runs out). The relay claims a batch of due rows in one statement (FOR UPDATE SKIP
LOCKED, taking a lease on them by moving their `available_at` LEASE_SECONDS ahead, so replicas
never publish the same row at once), publishes them persistent and mandatory with publisher
confirms, marks the confirmed ones sent in a second statement, and backs off rows that failed.
Two round trips a batch, no transaction held open while the broker confirms. NOTIFY on commit
(session path) wakes it at once; a slow poll covers a missed notification and lapsed leases. A
crash between commit and publish leaves the row to publish once its lease ends; a crash between
publish and mark leaves it to publish again, which consumers absorb through their inbox
(at-least-once, effectively once).
"""

import asyncio
import contextlib
import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
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
from service_kit.listen import Listener
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
# Leased to its writer, which publishes it after the commit: the relay leaves it alone until
# the lease runs out. The row's `created_at` is its writer's clock, read back for the lag metric.
_INSERT_LEASED_SQL = (
    "INSERT INTO outbox (id, routing_key, body, headers, available_at) "
    "VALUES ($1, $2, $3, $4::jsonb, now() + make_interval(secs => $5)) RETURNING created_at"
)


@dataclass(frozen=True, slots=True)
class OutboxRow:
    """An outbox row as the publisher needs it."""

    id: uuid.UUID
    routing_key: str
    body: bytes
    headers: dict[str, Any]
    attempts: int
    created_at: datetime

    @classmethod
    def of(cls, record: asyncpg.Record) -> "OutboxRow":
        headers = record["headers"]
        if isinstance(headers, str):
            headers = orjson.loads(headers)
        return cls(
            record["id"],
            record["routing_key"],
            record["body"],
            headers or {},
            record["attempts"],
            record["created_at"],
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
    if isinstance(target, Tx) and target.publisher is not None:
        created_at = await target.conn.fetchval(
            _INSERT_LEASED_SQL, envelope.id, envelope.type, body, headers, LEASE_SECONDS
        )
        target.staged.append(OutboxRow(envelope.id, envelope.type, body, headers, 0, created_at))
    elif isinstance(target, Tx):  # the pool's connections encode jsonb themselves
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
    """Publishes the service's outbox: what its writers send after their commits
    (`publish_committed`, the CommittedEventPublisher of pg.py) and, on its own loop, every row
    that is due (see the module's docstring)."""

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
        self._claim_due = True
        self._outcomes: list[tuple[OutboxRow, BaseException | None]] = []
        self._sending: set[asyncio.Task[None]] = set()
        self._conn: asyncpg.Connection | None = None
        self._using_conn = asyncio.Lock()  # the loop's statements, and stop()'s last one
        self._listener: Listener | None = None
        self._stopping = False

    async def start(self) -> None:
        # One statement at a time: one connection is all the relay uses (a plain connection: a
        # pool would reset it after every batch, one more round trip).
        self._conn = await asyncpg.connect(self.dsn)
        await self._listen()

    async def _connection(self) -> asyncpg.Connection:
        if self._conn is None or self._conn.is_closed():
            self._conn = await asyncpg.connect(self.dsn)
        return self._conn

    async def _listen(self) -> None:
        if self._listener is not None:
            await self._listener.close()
        self._listener = Listener(self.dsn, NOTIFY_CHANNEL, self._notified)
        await self._listener.open()

    def _notified(self, *_: Any) -> None:
        self._claim_due = True
        self._wake.set()

    async def stop(self) -> None:
        """Finish sending what writers committed and record it, then close."""
        if self._sending:
            await asyncio.wait(set(self._sending), timeout=5)
        with contextlib.suppress(Exception):
            await self._record_outcomes()
        self._stopping = True
        self._wake.set()
        if self._listener is not None:
            await self._listener.close()
        if self._conn is not None:
            with contextlib.suppress(Exception):
                await self._conn.close()

    def publish_committed(self, rows: Sequence[OutboxRow]) -> None:
        """Send rows of a transaction that has just committed, in the background; their
        outcomes are written by the relay's loop, many rows a statement."""
        task = asyncio.get_running_loop().create_task(self._send_committed(list(rows)))
        self._sending.add(task)
        task.add_done_callback(self._sending.discard)

    async def _send_committed(self, rows: list[OutboxRow]) -> None:
        self._outcomes.extend(zip(rows, await self._send(rows), strict=True))
        self._wake.set()

    async def run(self) -> None:
        """Publish until stopped; survives database and broker outages."""
        while not self._stopping:
            try:
                if self._listener is None or self._listener.closed:
                    await self._listen()
                if self._outcomes:
                    await self._record_outcomes()
                if self._claim_due:
                    self._claim_due = False
                    if await self.publish_batch() >= self.batch_size:
                        self._claim_due = True
                        continue
                if self._outcomes:
                    continue
                self._wake.clear()
                try:
                    await asyncio.wait_for(self._wake.wait(), self.poll_interval)
                except TimeoutError:
                    self._claim_due = True  # a missed notification, or leases that ran out
            except asyncio.CancelledError:
                raise
            except Exception:
                if self._stopping:
                    return
                log.warning("outbox relay error; retrying", exc_info=True)
                await asyncio.sleep(1.0)

    async def publish_batch(self) -> int:
        """Claim and publish one batch of due rows. Returns how many rows were claimed."""
        async with self._using_conn:
            conn = await self._connection()
            claimed = await conn.fetch(_CLAIM, self.batch_size, LEASE_SECONDS)
            if not claimed:
                return 0
            rows = sorted((OutboxRow.of(record) for record in claimed), key=lambda r: r.created_at)
            await self._record(conn, list(zip(rows, await self._send(rows), strict=True)))
            return len(rows)

    async def _send(self, rows: Sequence[OutboxRow]) -> list[BaseException | None]:
        try:
            exchange = await self.exchange_getter()
        except Exception as unreachable:
            # No broker: every row backs off (a claimed row gives its lease back early).
            return [unreachable] * len(rows)
        return await asyncio.gather(
            *(self._publish(exchange, row) for row in rows), return_exceptions=True
        )

    async def _record_outcomes(self) -> None:
        async with self._using_conn:
            outcomes, self._outcomes = self._outcomes, []
            try:
                await self._record(await self._connection(), outcomes)
            except BaseException:
                self._outcomes[:0] = outcomes  # written on the next turn of the loop
                raise

    async def _record(
        self, conn: asyncpg.Connection, outcomes: Sequence[tuple[OutboxRow, BaseException | None]]
    ) -> None:
        """Mark the sent rows sent and back off the failed ones: a statement for each."""
        sent = [row for row, error in outcomes if error is None]
        failed = [(row, error) for row, error in outcomes if error is not None]
        if sent:
            await conn.execute(_MARK_SENT, [row.id for row in sent])
            OUTBOX_PUBLISHED.inc(len(sent))
            now = datetime.now(UTC)
            for row in sent:
                OUTBOX_LAG.observe((now - row.created_at).total_seconds())
        if failed:
            # One statement for the whole batch: with the broker gone, every row fails at once.
            OUTBOX_FAILURES.inc(len(failed))
            now = datetime.now(UTC)
            attempts = [row.attempts + 1 for row, _ in failed]
            await conn.execute(
                _BACK_OFF,
                [row.id for row, _ in failed],
                attempts,
                [now + timedelta(seconds=backoff_seconds(n)) for n in attempts],
                [repr(error)[:1000] for _, error in failed],
            )
            log.warning(
                "outbox publish failed; backing off",
                extra={
                    "events": len(failed),
                    "event_ids": [str(row.id) for row, _ in failed[:10]],
                    "error": repr(failed[0][1]),
                },
            )

    @staticmethod
    async def _publish(exchange: AbstractExchange, row: OutboxRow) -> None:
        envelope = orjson.loads(row.body)
        message = aio_pika.Message(
            row.body,
            content_type="application/json",
            delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
            message_id=str(row.id),
            correlation_id=envelope.get("correlation_id"),
            type=row.routing_key,
            app_id=envelope.get("producer"),
            headers=row.headers,
        )
        await exchange.publish(message, routing_key=row.routing_key, mandatory=True)


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
