"""The consumer's writes. An event is stored once (`events`, keyed by its id) in the same
statement that applies its effect, so a duplicate changes nothing. Order events go in two
statements: the first stores the event and locks (or creates) the order's facts row and
returns it as the latest commit left it; the second writes the merged facts and adds the
roll-up deltas (`INSERT … ON CONFLICT DO UPDATE SET n = n + EXCLUDED.n`) — sums, so two
transactions touching the same hour commute. Rows of one table are written in key order, so
two transactions never wait on each other in a cycle.
"""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import asyncpg
from shop_contracts import Envelope

from analytics_service.facts import Line, OrderFacts, Rollup, rows

# Stored events

_EVENT_COLUMNS = "id, type, version, occurred_at, producer, correlation_id, data"
_STORE_EVENT = f"""
INSERT INTO events ({_EVENT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7)
ON CONFLICT (id) DO NOTHING RETURNING id
"""  # noqa: S608 (constant column list)


def _event_args(envelope: Envelope) -> tuple[Any, ...]:
    return (
        envelope.id,
        envelope.type,
        envelope.version,
        envelope.occurred_at,
        envelope.producer,
        envelope.correlation_id,
        envelope.data,
    )


async def store_event(conn: asyncpg.Connection, envelope: Envelope) -> bool:
    """Keep the event; False if it was kept before."""
    return await conn.fetchval(_STORE_EVENT, *_event_args(envelope)) is not None


async def store_events(conn: asyncpg.Connection, envelopes: Sequence[Envelope]) -> None:
    """Many events in one round trip (the benchmark's loader); duplicates are skipped."""
    await conn.executemany(_STORE_EVENT, [_event_args(e) for e in envelopes])


# Orders

_STORE_AND_LOCK_ORDER = f"""
WITH stored AS ({_STORE_EVENT})
INSERT INTO order_facts (order_id) VALUES ($8)
ON CONFLICT (order_id) DO UPDATE SET order_id = EXCLUDED.order_id
RETURNING (SELECT count(*) FROM stored) AS stored, order_facts.*
"""  # noqa: S608

_LOCK_ORDER = """
INSERT INTO order_facts (order_id) VALUES ($1)
ON CONFLICT (order_id) DO UPDATE SET order_id = EXCLUDED.order_id
RETURNING order_facts.*
"""


async def store_event_and_lock_order(
    conn: asyncpg.Connection, envelope: Envelope, order_id: uuid.UUID
) -> tuple[bool, OrderFacts]:
    """Keep the event and lock its order's facts (created empty if new), as last committed.
    Returns whether the event is new, and the facts."""
    row = await conn.fetchrow(_STORE_AND_LOCK_ORDER, *_event_args(envelope), order_id)
    return bool(row["stored"]), OrderFacts.from_row(row)


async def lock_order(conn: asyncpg.Connection, order_id: uuid.UUID) -> OrderFacts:
    return OrderFacts.from_row(await conn.fetchrow(_LOCK_ORDER, order_id))


_SALES_COUNTERS = (
    "orders",
    "paid_orders",
    "cancelled_orders",
    "revenue_cents",
    "units",
    "payment_failures",
    "refunds",
    "refunded_cents",
)
_SALES_ADD = ", ".join(f"{c} = s.{c} + EXCLUDED.{c}" for c in _SALES_COUNTERS)
_SALES_UNNEST = ", ".join(f"${n}::bigint[]" for n in range(14, 22))

_WRITE_ORDER = f"""
WITH facts AS (
    UPDATE order_facts SET user_id = $2, placed_at = $3, total_cents = $4, paid_cents = $5,
        refunded_cents = $6, items = $7, created = $8, paid = $9, payment_failed = $10,
        cancelled = $11, shipped = $12
    WHERE order_id = $1
), sales AS (
    INSERT INTO sales_hours AS s (hour, {", ".join(_SALES_COUNTERS)})
    SELECT * FROM unnest($13::timestamptz[], {_SALES_UNNEST})
    ON CONFLICT (hour) DO UPDATE SET {_SALES_ADD}
), customers AS (
    INSERT INTO customer_hours AS c (hour, user_id, paid_orders)
    SELECT * FROM unnest($22::timestamptz[], $23::uuid[], $24::bigint[])
    ON CONFLICT (hour, user_id) DO UPDATE SET paid_orders = c.paid_orders + EXCLUDED.paid_orders
), products AS (
    INSERT INTO product_sales AS p (product_id, units, revenue_cents)
    SELECT * FROM unnest($25::uuid[], $26::bigint[], $27::bigint[])
    ON CONFLICT (product_id) DO UPDATE
    SET units = p.units + EXCLUDED.units, revenue_cents = p.revenue_cents + EXCLUDED.revenue_cents
), names AS (
    INSERT INTO product_names AS n (product_id, name, source_rank, named_at, event_id)
    SELECT line.product_id, line.name, 0, $28, $29
    FROM unnest($30::uuid[], $31::text[]) AS line(product_id, name)
    ON CONFLICT (product_id) DO UPDATE
    SET name = EXCLUDED.name, source_rank = EXCLUDED.source_rank,
        named_at = EXCLUDED.named_at, event_id = EXCLUDED.event_id
    WHERE (EXCLUDED.source_rank, EXCLUDED.named_at, EXCLUDED.event_id)
        > (n.source_rank, n.named_at, n.event_id)
), ordered AS (
    INSERT INTO carts AS c (user_id, last_order_at)
    SELECT user_id, $28 FROM unnest($32::uuid[]) AS u(user_id)
    ON CONFLICT (user_id) DO UPDATE
    SET last_order_at = greatest(c.last_order_at, EXCLUDED.last_order_at)
)
SELECT 1
"""  # noqa: S608 (constant column lists)


def _columns(table_rows: list[tuple[Any, ...]], width: int) -> list[list[Any]]:
    return [[row[i] for row in table_rows] for i in range(width)]


@dataclass(frozen=True, slots=True)
class PlacedOrder:
    """What order.created says beyond the facts: its lines' names (the product names of last
    resort) and that its customer has ordered (abandoned carts)."""

    event_id: uuid.UUID
    at: datetime
    user_id: uuid.UUID
    lines: tuple[Line, ...]


async def write_order(
    conn: asyncpg.Connection, facts: OrderFacts, rollup: Rollup, placed: PlacedOrder | None
) -> None:
    """Write an order's merged facts and add `rollup` (a delta) to the roll-ups."""
    names = sorted({line.product_id: line.name for line in placed.lines}.items()) if placed else []
    await conn.execute(
        _WRITE_ORDER,
        facts.order_id,
        facts.user_id,
        facts.placed_at,
        facts.total_cents,
        facts.paid_cents,
        facts.refunded_cents,
        facts.items_json(),
        facts.created,
        facts.paid,
        facts.payment_failed,
        facts.cancelled,
        facts.shipped,
        *_columns(rows(rollup, "sales"), 9),
        *_columns(rows(rollup, "customer"), 3),
        *_columns(rows(rollup, "product"), 3),
        placed.at if placed else None,
        placed.event_id if placed else None,
        [product_id for product_id, _ in names],
        [name for _, name in names],
        [placed.user_id] if placed else [],
    )


# Carts and products

_STORE_CART = f"""
WITH stored AS ({_STORE_EVENT})
INSERT INTO carts AS c (user_id, item_count, value_cents, updated_at, event_id)
SELECT $8, $9, $10, $4, $1 FROM stored
ON CONFLICT (user_id) DO UPDATE
SET item_count = EXCLUDED.item_count, value_cents = EXCLUDED.value_cents,
    updated_at = EXCLUDED.updated_at, event_id = EXCLUDED.event_id
WHERE c.updated_at IS NULL
    OR (EXCLUDED.updated_at, EXCLUDED.event_id) > (c.updated_at, c.event_id)
"""  # noqa: S608


async def store_cart_event(
    conn: asyncpg.Connection,
    envelope: Envelope,
    user_id: uuid.UUID,
    item_count: int,
    value_cents: int,
) -> None:
    """Keep a cart.updated; the cart takes it if it is the latest seen of that cart."""
    await conn.execute(_STORE_CART, *_event_args(envelope), user_id, item_count, value_cents)


CATALOG_RANK = 1  # a product event's name beats an order line's (rank 0)

_STORE_PRODUCT = f"""
WITH stored AS ({_STORE_EVENT})
INSERT INTO product_names AS n (product_id, name, source_rank, named_at, event_id)
SELECT $8, $9, {CATALOG_RANK}, $4, $1 FROM stored
ON CONFLICT (product_id) DO UPDATE
SET name = EXCLUDED.name, source_rank = EXCLUDED.source_rank,
    named_at = EXCLUDED.named_at, event_id = EXCLUDED.event_id
WHERE (EXCLUDED.source_rank, EXCLUDED.named_at, EXCLUDED.event_id)
    > (n.source_rank, n.named_at, n.event_id)
"""  # noqa: S608


async def store_product_event(
    conn: asyncpg.Connection, envelope: Envelope, product_id: uuid.UUID, name: str
) -> None:
    await conn.execute(_STORE_PRODUCT, *_event_args(envelope), product_id, name)
