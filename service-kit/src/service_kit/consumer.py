"""Idempotent event consumer.

One quorum queue per service (`<service>.events`) with a delivery limit and dead-lettering to
`<service>.events.dlq`. Each message is handled in one database transaction together with an
inbox row keyed by the event id, and acked only after that commits: a duplicate finds the row and
is acked without effect. A handler that fails is retried with backoff (the broker counts the
deliveries) and dead-lettered past the limit; a message that is not a valid event is
dead-lettered at once. Messages are handled concurrently up to the prefetch count, so one slow
or failing message never blocks the ones behind it.

With `batch_size` above 1 (a service that takes many small events, such as analytics), the
messages that arrived while the previous transaction ran are handled together in one
transaction: one inbox statement and one commit (one fsync) for all of them, each still applied
once and acked only after the commit. A batch that fails is not retried as a batch: each of its
messages goes the one-at-a-time way above, and so does a message the broker redelivers, so a
poison message costs at most one batch.
"""

import asyncio
import logging
import time
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from aio_pika.abc import AbstractIncomingMessage, AbstractQueue, AbstractRobustConnection
from pydantic import ValidationError
from shop_contracts import Envelope, Event

from service_kit.broker import declare_exchanges, declare_queue
from service_kit.context import (
    TraceParent,
    causation_id_var,
    correlation_id_var,
    traceparent_var,
)
from service_kit.metrics import EVENT_HANDLING, EVENTS_CONSUMED
from service_kit.pg import Database, Tx
from service_kit.topology import DEFAULT_DELIVERY_LIMIT, service_queues

log = logging.getLogger(__name__)

E = TypeVar("E", bound=Event)
Handler = Callable[[Tx, Any, Envelope], Awaitable[None]]


def claim_inbox_sql(event_id: uuid.UUID, event_type: str) -> str:
    """The inbox claim as literal SQL, so it rides in the BEGIN's round trip: a UUID's text is
    hex digits and dashes, and the type is a handler's registered key, not the message's."""
    values = f"('{uuid.UUID(str(event_id))}', '{_quoted(event_type)}')"
    return f"INSERT INTO inbox (event_id, event_type) VALUES {values} ON CONFLICT DO NOTHING"  # noqa: S608


def _quoted(value: str) -> str:
    return value.replace("'", "''")


class Handlers:
    """Typed dispatch by routing key: `@handlers.on(OrderCreated)` registers
    `async def h(tx: Tx, event: OrderCreated, envelope: Envelope)`, run on asyncpg directly
    (pg.py) in one transaction with the event's inbox row."""

    def __init__(self) -> None:
        self._handlers: dict[str, tuple[type[Event], Handler]] = {}

    def on(
        self, model: type[E]
    ) -> Callable[
        [Callable[[Tx, E, Envelope], Awaitable[None]]],
        Callable[[Tx, E, Envelope], Awaitable[None]],
    ]:
        def register(
            fn: Callable[[Tx, E, Envelope], Awaitable[None]],
        ) -> Callable[[Tx, E, Envelope], Awaitable[None]]:
            self._handlers[model.TYPE] = (model, fn)
            return fn

        return register

    @property
    def routing_keys(self) -> tuple[str, ...]:
        return tuple(sorted(self._handlers))

    def get(self, event_type: str) -> tuple[type[Event], Handler] | None:
        return self._handlers.get(event_type)


class PoisonMessage(Exception):
    """A message that can never be handled (not JSON, not an envelope, fails its schema)."""


def retry_delay(delivery_count: int) -> float:
    return float(min(5.0, 0.2 * 2**delivery_count))


@dataclass(frozen=True, slots=True)
class Decoded:
    """An envelope, its validated event, the handler registered for its type, and the trace
    the message came with."""

    envelope: Envelope
    event: Event
    handler: Handler
    traceparent: str | None = None

    @classmethod
    def of(
        cls, handlers: Handlers, envelope: Envelope, traceparent: str | None = None
    ) -> "Decoded":
        entry = handlers.get(envelope.type)
        if entry is None:
            # Bound but not handled: keep it in the DLQ for an operator rather than drop it.
            raise PoisonMessage(f"no handler for {envelope.type}")
        model, handler = entry
        try:
            event = model.model_validate(envelope.data)
        except ValidationError as exc:
            raise PoisonMessage(str(exc)) from exc
        return cls(envelope, event, handler, traceparent)


async def handle_event(database: Database, handlers: Handlers, envelope: Envelope) -> bool:
    """Apply one event exactly once. Returns False when it had already been handled."""
    return await apply_event(database, Decoded.of(handlers, envelope))


async def apply_event(database: Database, item: Decoded) -> bool:
    envelope = item.envelope
    async with database.transaction(opening=claim_inbox_sql(envelope.id, item.event.TYPE)) as tx:
        if tx.opened == "INSERT 0 0":  # the row was there: handled before
            return False
        _enter(envelope, item.traceparent)
        await item.handler(tx, item.event, envelope)
    return True


_CLAIM_MANY = """
INSERT INTO inbox (event_id, event_type) SELECT * FROM unnest($1::uuid[], $2::text[])
ON CONFLICT DO NOTHING RETURNING event_id
"""


async def handle_events(database: Database, batch: Sequence[Decoded]) -> set[uuid.UUID]:
    """Apply several events in one transaction, each exactly once, in the order given.
    Returns the ids of those applied (the others had been handled before)."""
    first: dict[uuid.UUID, Decoded] = {}
    for item in batch:
        first.setdefault(item.envelope.id, item)
    async with database.transaction() as tx:
        claimed = await tx.conn.fetch(
            _CLAIM_MANY, list(first), [item.event.TYPE for item in first.values()]
        )
        applied = {row["event_id"] for row in claimed}
        for event_id, item in first.items():
            if event_id in applied:
                _enter(item.envelope, item.traceparent)
                await item.handler(tx, item.event, item.envelope)
    return applied


def _enter(envelope: Envelope, traceparent: str | None) -> None:
    """The context an event is handled in: what it correlates with, and that it caused what
    its handler emits."""
    correlation_id_var.set(envelope.correlation_id)
    causation_id_var.set(envelope.id)
    parent = TraceParent.parse(traceparent)
    traceparent_var.set(str(parent.child()) if parent else None)


class EventConsumer:
    def __init__(
        self,
        *,
        service: str,
        connection: AbstractRobustConnection,
        database: Database,
        handlers: Handlers,
        prefetch: int = 32,
        delivery_limit: int = DEFAULT_DELIVERY_LIMIT,
        batch_size: int = 1,
    ) -> None:
        self.service = service
        self.connection = connection
        self.database = database
        self.handlers = handlers
        self.prefetch = prefetch
        self.delivery_limit = delivery_limit
        self.batch_size = batch_size
        self.queue: AbstractQueue | None = None
        self._tag: str | None = None
        self._in_flight = 0
        self._idle = asyncio.Event()
        self._idle.set()
        self._waiting: asyncio.Queue[AbstractIncomingMessage] = asyncio.Queue()
        self._tasks: set[asyncio.Task[None]] = set()

    async def start(self) -> None:
        channel = await self.connection.channel()
        await channel.set_qos(prefetch_count=self.prefetch)
        await declare_exchanges(channel)
        main, dead = service_queues(self.service, self.handlers.routing_keys, self.delivery_limit)
        await declare_queue(channel, dead)
        self.queue = await declare_queue(channel, main)
        if self.batch_size > 1:
            self._spawn(self._run_batches())
        self._tag = await self.queue.consume(self.on_message, no_ack=False)

    async def stop(self, drain_seconds: float = 5.0) -> None:
        """Take no more messages, then let those being handled finish (each acked after its
        commit) for up to `drain_seconds`; one still unfinished goes back to the queue when the
        connection closes, and its redelivery is recognised by the inbox."""
        if self.queue is not None and self._tag is not None:
            try:
                await self.queue.cancel(self._tag)
            except Exception:
                log.debug("consumer cancel failed", exc_info=True)
        try:
            await asyncio.wait_for(self._idle.wait(), drain_seconds)
        except TimeoutError:
            log.warning("stopped with events still being handled", extra={"count": self._in_flight})
        for task in list(self._tasks):
            task.cancel()

    async def on_message(self, message: AbstractIncomingMessage) -> None:
        self._in_flight += 1
        self._idle.clear()
        if self.batch_size > 1 and not message.redelivered:
            self._waiting.put_nowait(message)  # the batch loop settles its count
            return
        try:
            await self._handle(message)
        finally:
            self._settled(1)

    def _settled(self, count: int) -> None:
        self._in_flight -= count
        if self._in_flight == 0:
            self._idle.set()

    def _spawn(self, work: Awaitable[None]) -> None:
        task: asyncio.Task[None] = asyncio.ensure_future(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _run_batches(self) -> None:
        """Takes what has arrived (at least one message, at most `batch_size`), handles it in
        one transaction, and again. One batch at a time: two would lock the same roll-up rows
        in different orders."""
        while True:
            batch = [await self._waiting.get()]
            while len(batch) < self.batch_size and not self._waiting.empty():
                batch.append(self._waiting.get_nowait())
            try:
                await self._handle_batch(batch)
            except Exception:
                log.exception("event batch failed outside its transaction")
            finally:
                self._settled(len(batch))

    async def _handle_batch(self, messages: list[AbstractIncomingMessage]) -> None:
        started = time.perf_counter()
        decoded = [(m, item) for m in messages if (item := await self._decode(m)) is not None]
        if not decoded:
            return
        try:
            applied = await handle_events(self.database, [item for _, item in decoded])
        except Exception:
            log.warning(
                "event batch failed; handling its events one at a time",
                exc_info=True,
                extra={"count": len(decoded)},
            )
            for message, _ in decoded:
                self._in_flight += 1
                self._spawn(self._handle_alone(message))
            return
        elapsed = time.perf_counter() - started
        for message, item in decoded:
            await message.ack()
            outcome = "applied" if item.envelope.id in applied else "duplicate"
            applied.discard(item.envelope.id)  # a copy in the same batch is a duplicate
            EVENTS_CONSUMED.labels(item.envelope.type, outcome).inc()
            EVENT_HANDLING.labels(item.envelope.type).observe(elapsed)

    async def _handle_alone(self, message: AbstractIncomingMessage) -> None:
        try:
            await self._handle(message)
        finally:
            self._settled(1)

    async def _decode(self, message: AbstractIncomingMessage) -> Decoded | None:
        """The message as an event with its handler; None (and dead-lettered) if it is not
        one."""
        try:
            envelope = Envelope.model_validate_json(message.body)
        except ValidationError:
            await self._dead_letter(message, "not an event envelope")
            return None
        try:
            return Decoded.of(self.handlers, envelope, _header(message, "traceparent"))
        except PoisonMessage as exc:
            await self._dead_letter(message, f"invalid {envelope.type}: {exc}")
            return None

    async def _handle(self, message: AbstractIncomingMessage) -> None:
        started = time.perf_counter()
        item = await self._decode(message)
        if item is None:
            return
        envelope = item.envelope
        try:
            applied = await apply_event(self.database, item)
        except PoisonMessage as exc:  # a handler's verdict: it can never apply
            await self._dead_letter(message, f"invalid {envelope.type}: {exc}")
            return
        except Exception:
            deliveries = int(_header(message, "x-delivery-count") or 0)
            EVENTS_CONSUMED.labels(envelope.type, "retry").inc()
            log.warning(
                "event handler failed; will retry",
                exc_info=True,
                extra={"event_id": str(envelope.id), "type": envelope.type, "delivery": deliveries},
            )
            await asyncio.sleep(retry_delay(deliveries))
            await message.nack(requeue=True)
            return
        await message.ack()
        EVENTS_CONSUMED.labels(envelope.type, "applied" if applied else "duplicate").inc()
        EVENT_HANDLING.labels(envelope.type).observe(time.perf_counter() - started)

    async def _dead_letter(self, message: AbstractIncomingMessage, why: str) -> None:
        EVENTS_CONSUMED.labels(message.routing_key or "unknown", "dead_lettered").inc()
        log.error(
            "dead-lettering message",
            extra={
                "message_id": message.message_id,
                "routing_key": message.routing_key,
                "why": why,
            },
        )
        await message.reject(requeue=False)


def _header(message: AbstractIncomingMessage, name: str) -> Any:
    headers = message.headers or {}
    value = headers.get(name)
    if isinstance(value, bytes):
        return value.decode()
    return value
