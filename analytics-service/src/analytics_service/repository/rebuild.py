"""What `rebuild` reads and writes: the stored events, and every derived table
emptied and written again in one transaction."""

from collections.abc import AsyncIterator, Sequence
from typing import Any

import asyncpg

from analytics_service.facts import OrderFacts

# Every table derived from `events`; none of them is read by rebuild.
DERIVED_TABLES = (
    "order_facts",
    "sales_hours",
    "customer_hours",
    "product_sales",
    "product_names",
    "carts",
)


async def hold_events(conn: asyncpg.Connection) -> int:
    """Hold new events back until the transaction ends (SHARE: reads go on, inserts wait) and
    count the stored ones. Every consumer statement inserts into `events` first, so a consumer
    waits here before touching a derived row, and one already past it finishes first."""
    await conn.execute("LOCK TABLE events IN SHARE MODE")
    count: int = await conn.fetchval("SELECT count(*) FROM events")
    return count


async def events(conn: asyncpg.Connection, batch_size: int) -> AsyncIterator[list[asyncpg.Record]]:
    """Every stored event, `batch_size` at a time, in no particular order (the fold does not
    depend on it), through a cursor of the caller's transaction."""
    cursor = await conn.cursor("SELECT id, type, occurred_at, data FROM events")
    while batch := await cursor.fetch(batch_size):
        yield batch


async def clear(conn: asyncpg.Connection) -> None:
    """Empty the derived tables (DELETE, not TRUNCATE: its exclusive lock would wait for the
    consumers held back at `events`, which wait for this transaction)."""
    for table in DERIVED_TABLES:
        await conn.execute(f"DELETE FROM {table}")  # noqa: S608 (constant names)


async def copy(
    conn: asyncpg.Connection, table: str, columns: Sequence[str], records: list[tuple[Any, ...]]
) -> None:
    if records:
        await conn.copy_records_to_table(table, records=records, columns=list(columns))


ORDER_FACT_COLUMNS = (
    "order_id",
    "user_id",
    "placed_at",
    "total_cents",
    "paid_cents",
    "refunded_cents",
    "items",
    "created",
    "paid",
    "payment_failed",
    "cancelled",
    "shipped",
)


_INSERT_ORDER_FACTS = (
    f"INSERT INTO order_facts ({', '.join(ORDER_FACT_COLUMNS)}) "  # noqa: S608 (constant names)
    f"VALUES ({', '.join(f'${n}' for n in range(1, len(ORDER_FACT_COLUMNS) + 1))})"
)


async def insert_order_facts(conn: asyncpg.Connection, records: list[tuple[Any, ...]]) -> None:
    """(Not COPY: its binary format has no encoder for the jsonb text codec the pool uses.)"""
    await conn.executemany(_INSERT_ORDER_FACTS, records)


def order_fact_record(facts: OrderFacts) -> tuple[Any, ...]:
    return (
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
    )
