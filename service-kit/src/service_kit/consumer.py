"""Idempotent event consumer.

One quorum queue per service (`<service>.events`) with a delivery limit and dead-lettering to
`<service>.events.dlq`. Each message is handled in one database transaction together with an
inbox row keyed by the event id, and acked only after that commits: a duplicate finds the row and
is acked without effect. A handler that fails is retried with backoff (the broker counts the
deliveries) and dead-lettered past the limit; a message that is not a valid event is
dead-lettered at once. Messages are handled concurrently up to the prefetch count, so one slow
or failing message never blocks the ones behind it.
"""

import asyncio
import logging
import time
import uuid
from collections.abc import Awaitable, Callable
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


async def handle_event(database: Database, handlers: Handlers, envelope: Envelope) -> bool:
    """Apply one event exactly once. Returns False when it had already been handled."""
    entry = handlers.get(envelope.type)
    if entry is None:
        # Bound but not handled: keep it in the DLQ for an operator rather than drop it.
        raise PoisonMessage(f"no handler for {envelope.type}")
    model, handler = entry
    try:
        event = model.model_validate(envelope.data)
    except ValidationError as exc:
        raise PoisonMessage(str(exc)) from exc
    async with database.transaction(opening=claim_inbox_sql(envelope.id, model.TYPE)) as tx:
        if tx.opened == "INSERT 0 0":  # the row was there: handled before
            return False
        await handler(tx, event, envelope)
    return True


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
    ) -> None:
        self.service = service
        self.connection = connection
        self.database = database
        self.handlers = handlers
        self.prefetch = prefetch
        self.delivery_limit = delivery_limit
        self.queue: AbstractQueue | None = None
        self._tag: str | None = None
        self._in_flight = 0
        self._idle = asyncio.Event()
        self._idle.set()

    async def start(self) -> None:
        channel = await self.connection.channel()
        await channel.set_qos(prefetch_count=self.prefetch)
        await declare_exchanges(channel)
        main, dead = service_queues(self.service, self.handlers.routing_keys, self.delivery_limit)
        await declare_queue(channel, dead)
        self.queue = await declare_queue(channel, main)
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

    async def on_message(self, message: AbstractIncomingMessage) -> None:
        self._in_flight += 1
        self._idle.clear()
        try:
            await self._handle(message)
        finally:
            self._in_flight -= 1
            if self._in_flight == 0:
                self._idle.set()

    async def _handle(self, message: AbstractIncomingMessage) -> None:
        started = time.perf_counter()
        try:
            envelope = Envelope.model_validate_json(message.body)
        except ValidationError:
            await self._dead_letter(message, "not an event envelope")
            return
        correlation_id_var.set(envelope.correlation_id)
        causation_id_var.set(envelope.id)
        parent = TraceParent.parse(_header(message, "traceparent"))
        traceparent_var.set(str(parent.child()) if parent else None)
        try:
            applied = await handle_event(self.database, self.handlers, envelope)
        except PoisonMessage as exc:
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
