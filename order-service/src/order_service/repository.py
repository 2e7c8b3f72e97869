"""Every query of the order service, on asyncpg directly (the kit's pg.py): checkout, the saga's
transitions and the order reads are its hot paths. The tables are declared in models.py.

An order is read with its items and history in one statement, each as an array of rows; a
checkout writes its idempotency key, order, items and first history entry in another."""

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import asyncpg
from shop_contracts import OrderStatus, PaymentStatus


@dataclass(frozen=True, slots=True)
class Item:
    """A line as it was in the cart at checkout: name and price are a snapshot."""

    position: int
    product_id: uuid.UUID
    name: str
    unit_price_cents: int
    quantity: int


@dataclass(frozen=True, slots=True)
class StatusChange:
    status: OrderStatus
    at: datetime
    reason: str | None = None


@dataclass(slots=True)
class OrderRow:
    """The `orders` row; the lifecycle changes it and `save_order` writes it back."""

    id: uuid.UUID
    user_id: uuid.UUID
    status: OrderStatus
    total_cents: int
    currency: str
    payment_method: str
    shipping_address: dict[str, Any]
    created_at: datetime
    updated_at: datetime
    cart_revision: uuid.UUID | None = None
    payment_status: PaymentStatus | None = None
    payment_brand: str | None = None
    payment_last4: str | None = None
    payment_decline_reason: str | None = None
    cancel_reason: str | None = None
    # The lines inventory could not supply (stock.insufficient); a refund follows.
    stock_shortage: list[dict[str, Any]] | None = None


@dataclass(slots=True)
class OrderDetail(OrderRow):
    """An order with its items and status history, as the API answers it."""

    items: list[Item] = field(default_factory=list)
    history: list[StatusChange] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class IdempotencyClaim:
    request_hash: str
    order_id: uuid.UUID


_ORDER_COLUMNS = (
    "o.id, o.user_id, o.status, o.total_cents, o.currency, o.payment_method, "
    "o.shipping_address, o.created_at, o.updated_at, o.payment_status, o.payment_brand, "
    "o.payment_last4, o.payment_decline_reason, o.cancel_reason, o.stock_shortage"
)
_ORDER_DETAIL = f"""
SELECT {_ORDER_COLUMNS},
    ARRAY(
        SELECT (i.position, i.product_id, i.name, i.unit_price_cents, i.quantity)
        FROM order_items AS i WHERE i.order_id = o.id ORDER BY i.position
    ) AS items,
    ARRAY(
        SELECT (h.status, h.at, h.reason)
        FROM order_status_history AS h WHERE h.order_id = o.id ORDER BY h.id
    ) AS history
FROM orders AS o
"""  # noqa: S608 - fixed fragments only; values are bound


def _row_fields(row: asyncpg.Record) -> dict[str, Any]:
    payment_status = row["payment_status"]
    return {
        "id": row["id"],
        "user_id": row["user_id"],
        "status": OrderStatus(row["status"]),
        "total_cents": row["total_cents"],
        "currency": row["currency"],
        "payment_method": row["payment_method"],
        "shipping_address": row["shipping_address"],
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
        "payment_status": PaymentStatus(payment_status) if payment_status else None,
        "payment_brand": row["payment_brand"],
        "payment_last4": row["payment_last4"],
        "payment_decline_reason": row["payment_decline_reason"],
        "cancel_reason": row["cancel_reason"],
        "stock_shortage": row["stock_shortage"],
    }


def _detail(row: asyncpg.Record) -> OrderDetail:
    return OrderDetail(
        **_row_fields(row),
        items=[Item(*item) for item in row["items"]],
        history=[
            StatusChange(OrderStatus(status), at, reason) for status, at, reason in row["history"]
        ],
    )


# --- checkout ---------------------------------------------------------------------------


class CartRevisionTaken(Exception):
    """An order was already placed from this revision of the cart."""


async def find_idempotency_key(
    conn: asyncpg.Connection, user_id: uuid.UUID, key: str
) -> IdempotencyClaim | None:
    row = await conn.fetchrow(
        "SELECT request_hash, order_id FROM idempotency_keys WHERE user_id = $1 AND key = $2",
        user_id,
        key,
    )
    return None if row is None else IdempotencyClaim(row["request_hash"], row["order_id"])


# The key, the order, its items and its first history entry, in one statement. Nothing but
# the key's claim is written when the key is taken; a concurrent request holding an
# uncommitted claim makes the claim wait until that request commits (taken) or rolls back.
# The order's cart revision is unique in the same way: a concurrent checkout of the same cart
# under another key waits for the first, then fails on `uq_orders_cart_revision`.
CART_REVISION_TAKEN = "uq_orders_cart_revision"

_PLACE_ORDER = """
WITH claimed AS (
    INSERT INTO idempotency_keys (user_id, key, request_hash, order_id)
    VALUES ($1, $2, $3, $4)
    ON CONFLICT (user_id, key) DO NOTHING
    RETURNING order_id
), placed AS (
    INSERT INTO orders (id, user_id, status, total_cents, currency, payment_method,
                        shipping_address, created_at, updated_at, cart_revision)
    SELECT order_id, $1, $5, $6, $7, $8, $9, $10, $10, $16 FROM claimed
    RETURNING id
), items AS (
    INSERT INTO order_items (order_id, position, product_id, name, unit_price_cents, quantity)
    SELECT placed.id, item.position, item.product_id, item.name, item.unit_price_cents,
           item.quantity
    FROM placed,
         unnest($11::int[], $12::uuid[], $13::text[], $14::bigint[], $15::int[])
             AS item(position, product_id, name, unit_price_cents, quantity)
)
INSERT INTO order_status_history (order_id, status, at)
SELECT id, $5, $10 FROM placed
RETURNING order_id
"""


async def place_order(
    conn: asyncpg.Connection, order: OrderDetail, *, key: str, request_hash: str
) -> bool:
    """Claim the key for `order` and write the order (its first status change is its only
    history). False, writing nothing, if the key is taken. `CartRevisionTaken` if another
    order was placed from the same cart revision (the transaction is then failed)."""
    try:
        placed = await conn.fetchval(
            _PLACE_ORDER,
            order.user_id,
            key,
            request_hash,
            order.id,
            order.status.value,
            order.total_cents,
            order.currency,
            order.payment_method,
            order.shipping_address,
            order.created_at,
            [item.position for item in order.items],
            [item.product_id for item in order.items],
            [item.name for item in order.items],
            [item.unit_price_cents for item in order.items],
            [item.quantity for item in order.items],
            order.cart_revision,
        )
    except asyncpg.UniqueViolationError as exc:
        if exc.constraint_name == CART_REVISION_TAKEN:
            raise CartRevisionTaken() from exc
        raise
    return placed is not None


# --- the lifecycle ----------------------------------------------------------------------


async def lock_order(conn: asyncpg.Connection, order_id: uuid.UUID) -> OrderRow | None:
    """The order row (not its items or history), locked until the transaction ends: its
    transitions happen one at a time."""
    row = await conn.fetchrow(
        f"SELECT {_ORDER_COLUMNS} FROM orders AS o WHERE o.id = $1 FOR UPDATE",  # noqa: S608
        order_id,
    )
    return None if row is None else OrderRow(**_row_fields(row))


_SET_ORDER = """
UPDATE orders SET status = $2, payment_status = $3, payment_brand = $4, payment_last4 = $5,
    payment_decline_reason = $6, cancel_reason = $7, stock_shortage = $8, updated_at = $9
WHERE id = $1
"""
_SAVE_ORDER_WITH_CHANGE = f"""
WITH saved AS ({_SET_ORDER} RETURNING id)
INSERT INTO order_status_history (order_id, status, reason, at)
SELECT id, $10, $11, $12 FROM saved
"""  # noqa: S608 - fixed fragments only; values are bound


async def save_order(
    conn: asyncpg.Connection, order: OrderRow, change: StatusChange | None = None
) -> None:
    """Write back what the lifecycle may change, and `change` into the history."""
    values = (
        order.id,
        order.status.value,
        order.payment_status.value if order.payment_status else None,
        order.payment_brand,
        order.payment_last4,
        order.payment_decline_reason,
        order.cancel_reason,
        order.stock_shortage,
        order.updated_at,
    )
    if change is None:
        await conn.execute(_SET_ORDER, *values)
    else:
        await conn.execute(
            _SAVE_ORDER_WITH_CHANGE, *values, change.status.value, change.reason, change.at
        )


# --- reading ----------------------------------------------------------------------------


async def get_order(conn: asyncpg.Connection, order_id: uuid.UUID) -> OrderDetail | None:
    row = await conn.fetchrow(_ORDER_DETAIL + "WHERE o.id = $1", order_id)
    return None if row is None else _detail(row)


async def list_orders(
    conn: asyncpg.Connection,
    *,
    user_id: uuid.UUID | None,
    status: OrderStatus | None,
    limit: int,
    offset: int,
) -> tuple[list[OrderDetail], int]:
    """Newest first; everyone's when `user_id` is None."""
    # Only the placeholders of the filters in use are written into the SQL (the values are
    # bound), so each combination gets a plan on its own index.
    conditions: list[str] = []
    args: list[Any] = []
    if user_id is not None:
        args.append(user_id)
        conditions.append(f"o.user_id = ${len(args)}")
    if status is not None:
        args.append(status.value)
        conditions.append(f"o.status = ${len(args)}")
    where = "WHERE " + " AND ".join(conditions) if conditions else ""

    total = await conn.fetchval(f"SELECT count(*) FROM orders AS o {where}", *args)  # noqa: S608
    rows = await conn.fetch(
        f"{_ORDER_DETAIL} {where} ORDER BY o.created_at DESC, o.id DESC "
        f"LIMIT ${len(args) + 1} OFFSET ${len(args) + 2}",
        *args,
        limit,
        offset,
    )
    return [_detail(row) for row in rows], total
