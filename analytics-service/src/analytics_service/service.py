"""Use cases: recording an event (the consumer's), and the dashboard's reports. Each runs in
the transaction or on the connection its caller opened; nothing here commits."""

from datetime import UTC, datetime, timedelta
from typing import Literal

import asyncpg
from service_kit.pg import Tx
from shop_contracts import Envelope, Event
from shop_contracts.events import (
    CartUpdated,
    OrderCreated,
    ProductCreated,
    ProductUpdated,
)

from analytics_service import facts
from analytics_service.errors import RangeTooLong
from analytics_service.repository import ingest, reports
from analytics_service.repository.reports import (
    AbandonedCarts,
    SalesBucket,
    Summary,
    TopProduct,
)
from analytics_service.timerange import Interval, TimeRange

# Events


async def record_event(tx: Tx, envelope: Envelope) -> bool:
    """An event with no effect beyond being kept (user.registered, stock.*, product.deleted)."""
    return await ingest.store_event(tx.conn, envelope)


async def record_order_event(tx: Tx, event: Event, envelope: Envelope) -> None:
    """Keep an order's event, merge it into the order's facts and move the roll-ups by the
    change of the order's contribution."""
    order_id = facts.order_id_of(event)
    fresh, before = await ingest.store_event_and_lock_order(tx.conn, envelope, order_id)
    if fresh:
        await apply_order_event(tx.conn, before, event, envelope)


async def apply_order_event(
    conn: asyncpg.Connection, before: facts.OrderFacts, event: Event, envelope: Envelope
) -> None:
    after = facts.merge(before, event, envelope.occurred_at)
    placed = (
        ingest.PlacedOrder(
            event_id=envelope.id,
            at=envelope.occurred_at,
            user_id=event.user_id,
            lines=tuple(facts.Line.of(line) for line in event.items),
        )
        if isinstance(event, OrderCreated)
        else None
    )
    await ingest.write_order(conn, after, facts.delta(before, after), placed)


async def record_cart(tx: Tx, event: CartUpdated, envelope: Envelope) -> None:
    await ingest.store_cart_event(
        tx.conn,
        envelope,
        event.user_id,
        item_count=sum(line.quantity for line in event.items),
        value_cents=event.total_cents,
    )


async def record_product(
    tx: Tx, event: ProductCreated | ProductUpdated, envelope: Envelope
) -> None:
    await ingest.store_product_event(tx.conn, envelope, event.product_id, event.name)


# Reports

MAX_SUMMARY_DAYS = 731
MAX_BUCKETS = {Interval.HOUR: 24 * 31, Interval.DAY: 731}


async def summary(conn: asyncpg.Connection, period: TimeRange) -> Summary:
    period.check_at_most(days=MAX_SUMMARY_DAYS)
    return await reports.summary(conn, period.start, period.end)


async def sales(
    conn: asyncpg.Connection, period: TimeRange, interval: Interval
) -> list[SalesBucket]:
    aligned = period.aligned(interval)
    buckets = aligned.buckets(interval)
    if buckets > MAX_BUCKETS[interval]:
        raise RangeTooLong.of(
            f"At most {MAX_BUCKETS[interval]} {interval.value}s per trend; this asks for {buckets}."
        )
    return await reports.sales(conn, aligned.start, aligned.end, interval.step)


async def top_products(
    conn: asyncpg.Connection, *, limit: int, by: Literal["revenue", "units"]
) -> list[TopProduct]:
    return await reports.top_products(conn, limit=limit, by_units=by == "units")


async def abandoned_carts(
    conn: asyncpg.Connection, *, idle_minutes: int, limit: int, now: datetime | None = None
) -> AbandonedCarts:
    idle_since = (now or datetime.now(UTC)) - timedelta(minutes=idle_minutes)
    return await reports.abandoned_carts(conn, idle_since=idle_since, limit=limit)
