"""Every query of the inventory service, on asyncpg directly (DESIGN.md: "asyncpg directly on
hot paths"; every route and handler here shares the stock and ledger statements with the saga).

Stock only changes through single guarded statements that write their ledger rows too, so
concurrent changes can never take stock below zero nor leave a change out of the ledger. Each
first locks the rows it changes (several in product-id order, so two statements never
deadlock) and both checks and computes the new stock from what the lock returned: the latest
committed stock. The updated row itself is the version in the statement's snapshot; in READ
COMMITTED a guard on it skips a row whose change committed meanwhile (a restock, a return)
instead of re-reading it, and a new value computed from it is checked against the table's
`stock >= 0` before the row is re-read.
"""

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import asyncpg

from inventory_service.models import MAX_STOCK, DecrementOutcome, MovementReason


@dataclass(frozen=True, slots=True)
class StockLevel:
    product_id: uuid.UUID
    stock: int
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class StockChange:
    """One product's change: its stock after it and the units added (negative: taken)."""

    product_id: uuid.UUID
    stock: int
    delta: int


@dataclass(frozen=True, slots=True)
class Adjustment:
    """The outcome of an admin's change: the level after it, or None if it was refused; and
    the stock it found."""

    level: StockLevel | None
    previous: int


@dataclass(frozen=True, slots=True)
class Decision:
    """What was decided for a paid order, and the changes this call made (none if it had been
    decided before: `repeated`)."""

    outcome: DecrementOutcome
    shortages: list[dict[str, Any]]
    changes: list[StockChange]
    repeated: bool


def _level(row: Mapping[str, Any]) -> StockLevel:
    return StockLevel(row["product_id"], row["stock"], row["updated_at"])


# Catalog events

_INSERT_STOCK_ITEM = """
WITH created AS (
    INSERT INTO stock_items (product_id, stock) VALUES ($1, $2)
    ON CONFLICT (product_id) DO NOTHING
    RETURNING product_id, stock
), ledger AS (
    INSERT INTO stock_movements (product_id, delta, stock_after, reason, note)
    SELECT product_id, stock, stock, $3, $4 FROM created
)
SELECT product_id, stock FROM created
"""


async def insert_stock_item(
    conn: asyncpg.Connection, product_id: uuid.UUID, stock: int, *, note: str
) -> StockChange | None:
    """Create the record and its first ledger row; None if the product already has one (or
    had, and was removed)."""
    row = await conn.fetchrow(
        _INSERT_STOCK_ITEM, product_id, stock, MovementReason.INITIAL.value, note
    )
    return StockChange(row["product_id"], row["stock"], row["stock"]) if row else None


async def mark_removed(conn: asyncpg.Connection, product_id: uuid.UUID) -> None:
    """Mark the record removed; a product deleted before it was ever seen gets a tombstone,
    so its late product.created does not bring it back."""
    await conn.execute(
        "INSERT INTO stock_items (product_id, stock, removed_at) VALUES ($1, 0, now()) "
        "ON CONFLICT (product_id) DO UPDATE "
        "SET removed_at = coalesce(stock_items.removed_at, now())",
        product_id,
    )


# Reads


async def get_level(conn: asyncpg.Connection, product_id: uuid.UUID) -> StockLevel | None:
    row = await conn.fetchrow(
        "SELECT product_id, stock, updated_at FROM stock_items "
        "WHERE product_id = $1 AND removed_at IS NULL",
        product_id,
    )
    return _level(row) if row is not None else None


async def list_levels(
    conn: asyncpg.Connection, *, low_stock_below: int | None, limit: int, offset: int
) -> tuple[list[StockLevel], int]:
    """Live records, lowest stock first (`low_stock_below` None: all of them)."""
    rows = await conn.fetch(
        "SELECT product_id, stock, updated_at, count(*) OVER () AS total FROM stock_items "
        "WHERE removed_at IS NULL AND ($1::int IS NULL OR stock < $1) "
        "ORDER BY stock, product_id LIMIT $2 OFFSET $3",
        low_stock_below,
        limit,
        offset,
    )
    if rows:
        return [_level(row) for row in rows], rows[0]["total"]
    # A page past the end still tells how many there are.
    total = await conn.fetchval(
        "SELECT count(*) FROM stock_items "
        "WHERE removed_at IS NULL AND ($1::int IS NULL OR stock < $1)",
        low_stock_below,
    )
    return [], total


async def list_movements(
    conn: asyncpg.Connection, product_id: uuid.UUID, *, limit: int, offset: int
) -> tuple[Sequence[asyncpg.Record], int]:
    """A product's ledger, newest first."""
    rows = await conn.fetch(
        "SELECT id, product_id, delta, stock_after, reason, order_id, actor_id, note, at "
        "FROM stock_movements WHERE product_id = $1 ORDER BY id DESC LIMIT $2 OFFSET $3",
        product_id,
        limit,
        offset,
    )
    total = await conn.fetchval(
        "SELECT count(*) FROM stock_movements WHERE product_id = $1", product_id
    )
    return rows, total


# Admin changes

# The row is locked first, so the final select reports the stock the change was checked
# against, whether or not it was made.
_ADJUST = """
WITH current AS MATERIALIZED (
    SELECT product_id, stock FROM stock_items
    WHERE product_id = $1 AND removed_at IS NULL
    FOR UPDATE
), changed AS (
    UPDATE stock_items AS s SET stock = c.stock + $2, updated_at = now()
    FROM current AS c
    WHERE s.product_id = c.product_id AND c.stock + $2 BETWEEN 0 AND $3
    RETURNING s.product_id, s.stock, s.updated_at
), ledger AS (
    INSERT INTO stock_movements (product_id, delta, stock_after, reason, actor_id, note)
    SELECT product_id, $2, stock, $4, $5, $6 FROM changed
)
SELECT c.product_id, c.stock AS previous, ch.stock, ch.updated_at
FROM current AS c LEFT JOIN changed AS ch USING (product_id)
"""


async def adjust(
    conn: asyncpg.Connection,
    product_id: uuid.UUID,
    delta: int,
    *,
    reason: MovementReason,
    actor_id: uuid.UUID,
    note: str | None,
) -> Adjustment | None:
    """Add `delta` unless that leaves [0, MAX_STOCK]; None if there is no live record."""
    row = await conn.fetchrow(_ADJUST, product_id, delta, MAX_STOCK, reason.value, actor_id, note)
    if row is None:
        return None
    level = _level(row) if row["stock"] is not None else None
    return Adjustment(level, row["previous"])


_SET_STOCK = """
WITH previous AS MATERIALIZED (
    SELECT product_id, stock FROM stock_items
    WHERE product_id = $1 AND removed_at IS NULL
    FOR UPDATE
), changed AS (
    UPDATE stock_items AS s SET stock = $2, updated_at = now()
    FROM previous AS p
    WHERE s.product_id = p.product_id
    RETURNING s.product_id, s.stock, s.updated_at, p.stock AS previous
), ledger AS (
    INSERT INTO stock_movements (product_id, delta, stock_after, reason, actor_id, note)
    SELECT product_id, stock - previous, stock, $3, $4, $5 FROM changed
    WHERE stock <> previous
)
SELECT product_id, stock, updated_at, previous FROM changed
"""


async def set_stock(
    conn: asyncpg.Connection,
    product_id: uuid.UUID,
    stock: int,
    *,
    actor_id: uuid.UUID,
    note: str | None,
) -> Adjustment | None:
    """Set an absolute level (a ledger row if it changed); None if there is no live record."""
    row = await conn.fetchrow(
        _SET_STOCK, product_id, stock, MovementReason.ADMIN.value, actor_id, note
    )
    return Adjustment(_level(row), row["previous"]) if row is not None else None


# Orders

# All of a paid order's items, or none, in one statement:
# - `locked`: the live records of the wanted products, locked in product-id order (the latest
#   committed stock, whatever this statement's snapshot saw);
# - `decision`: the order's decision, computed from all of them (so every lock is taken before
#   it is written), inserted once per order; nothing comes back if the order was decided before;
# - `taken`: only for a fresh `applied` decision, every wanted row decremented;
# - `ledger`: a row per product taken.
_DECREMENT = """
WITH wanted AS (
    SELECT * FROM unnest($2::uuid[], $3::int[]) AS w(product_id, quantity)
), locked AS MATERIALIZED (
    SELECT s.product_id, s.stock FROM stock_items AS s
    WHERE s.product_id IN (SELECT product_id FROM wanted) AND s.removed_at IS NULL
    ORDER BY s.product_id
    FOR UPDATE
), shortage AS (
    SELECT w.product_id, w.quantity AS requested, coalesce(l.stock, 0) AS available
    FROM wanted AS w LEFT JOIN locked AS l USING (product_id)
    WHERE w.quantity > coalesce(l.stock, 0)
), decision AS (
    INSERT INTO order_decrements (order_id, outcome, shortages)
    SELECT $1,
           CASE WHEN count(*) = 0 THEN $4 ELSE $5 END,
           coalesce(
               jsonb_agg(
                   jsonb_build_object(
                       'product_id', product_id, 'requested', requested, 'available', available
                   )
                   ORDER BY product_id
               ),
               '[]'::jsonb
           )
    FROM shortage
    ON CONFLICT (order_id) DO NOTHING
    RETURNING outcome, shortages
), taken AS (
    UPDATE stock_items AS s SET stock = l.stock - w.quantity, updated_at = now()
    FROM locked AS l JOIN wanted AS w USING (product_id)
    WHERE s.product_id = l.product_id
      AND l.stock >= w.quantity
      AND EXISTS (SELECT FROM decision WHERE outcome = $4)
    RETURNING s.product_id, s.stock, w.quantity
), ledger AS (
    INSERT INTO stock_movements (product_id, delta, stock_after, reason, order_id)
    SELECT product_id, -quantity, stock, $6, $1 FROM taken
)
SELECT d.outcome, d.shortages, t.product_id, t.stock, t.quantity
FROM decision AS d LEFT JOIN taken AS t ON true
ORDER BY t.product_id
"""


async def decrement_for_order(
    conn: asyncpg.Connection, order_id: uuid.UUID, wanted: Mapping[uuid.UUID, int]
) -> Decision:
    """Decide a paid order once: take every wanted quantity, or none if any is short (a
    product without a live record has none). A second call for the same order changes
    nothing and answers with the first decision."""
    product_ids = sorted(wanted)
    rows = await conn.fetch(
        _DECREMENT,
        order_id,
        product_ids,
        [wanted[product_id] for product_id in product_ids],
        DecrementOutcome.APPLIED.value,
        DecrementOutcome.INSUFFICIENT.value,
        MovementReason.ORDER.value,
    )
    if not rows:
        return await _previous_decision(conn, order_id)
    outcome = DecrementOutcome(rows[0]["outcome"])
    changes = [
        StockChange(row["product_id"], row["stock"], -row["quantity"])
        for row in rows
        if row["product_id"] is not None
    ]
    if outcome is DecrementOutcome.APPLIED and len(changes) != len(product_ids):
        # The rows were locked and checked, so the guarded update cannot refuse one; if it
        # ever did, the whole transaction must go rather than a part of the order.
        raise RuntimeError(f"order {order_id}: {len(changes)} of {len(product_ids)} decremented")
    return Decision(outcome, rows[0]["shortages"], changes, repeated=False)


async def _previous_decision(conn: asyncpg.Connection, order_id: uuid.UUID) -> Decision:
    row = await conn.fetchrow(
        "SELECT outcome, shortages FROM order_decrements WHERE order_id = $1", order_id
    )
    assert row is not None
    return Decision(DecrementOutcome(row["outcome"]), row["shortages"], [], repeated=True)


# The order's decision, in one upsert that sees the latest committed row (a concurrent
# payment.success's included): none yet, it is recorded as cancelled; decremented, it becomes
# returned. Anything else comes back empty.
_CLOSE_DECISION = """
INSERT INTO order_decrements (order_id, outcome) VALUES ($1, $2)
ON CONFLICT (order_id) DO UPDATE SET outcome = $3
WHERE order_decrements.outcome = $4
RETURNING outcome
"""

# What the order took comes back to every product still in the catalog (and below the maximum),
# locked in product-id order, with a ledger row each.
_RETURN_ORDER = """
WITH taken AS (
    SELECT product_id, -delta AS quantity FROM stock_movements
    WHERE order_id = $1 AND reason = $2
), locked AS MATERIALIZED (
    SELECT s.product_id, s.stock FROM stock_items AS s
    WHERE s.product_id IN (SELECT product_id FROM taken) AND s.removed_at IS NULL
    ORDER BY s.product_id
    FOR UPDATE
), returned AS (
    UPDATE stock_items AS s SET stock = l.stock + t.quantity, updated_at = now()
    FROM locked AS l JOIN taken AS t USING (product_id)
    WHERE s.product_id = l.product_id AND l.stock + t.quantity <= $3
    RETURNING s.product_id, s.stock, t.quantity
), ledger AS (
    INSERT INTO stock_movements (product_id, delta, stock_after, reason, order_id)
    SELECT product_id, quantity, stock, $4, $1 FROM returned
)
SELECT product_id, stock, quantity FROM returned ORDER BY product_id
"""


async def return_order(conn: asyncpg.Connection, order_id: uuid.UUID) -> list[StockChange] | None:
    """A refunded order holds no stock: None if it had taken none (recorded as cancelled if it
    was not decided yet, so its payment.success changes nothing); else what it gave back."""
    outcome = await conn.fetchval(
        _CLOSE_DECISION,
        order_id,
        DecrementOutcome.CANCELLED.value,
        DecrementOutcome.RETURNED.value,
        DecrementOutcome.APPLIED.value,
    )
    if outcome != DecrementOutcome.RETURNED:
        return None
    # A second statement: it sees the ledger rows of a decrement that committed while the
    # upsert above waited for it.
    rows = await conn.fetch(
        _RETURN_ORDER,
        order_id,
        MovementReason.ORDER.value,
        MAX_STOCK,
        MovementReason.ORDER_RETURN.value,
    )
    return [StockChange(row["product_id"], row["stock"], row["quantity"]) for row in rows]
