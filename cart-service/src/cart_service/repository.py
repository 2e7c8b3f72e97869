"""Every query of the cart service, on asyncpg directly (the kit's pg.py): every request and
event of the service is on the checkout's path, and each statement through the ORM cost
~70-200 µs of CPU more.

A change of a cart locks the cart first (`lock_cart…`), then writes and reads the cart back in
one statement: after the lock, that statement's snapshot holds every line the cart's earlier
changes committed, and no other change of the cart can run until this one commits."""

import uuid
from dataclasses import dataclass
from datetime import datetime

import asyncpg

# Product read model

_UPSERT_CATALOG = """
INSERT INTO products AS p (product_id, name, price_cents, currency, catalog_as_of)
VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (product_id) DO UPDATE
SET name = excluded.name, price_cents = excluded.price_cents, currency = excluded.currency,
    catalog_as_of = excluded.catalog_as_of, updated_at = now()
WHERE p.catalog_as_of IS NULL OR p.catalog_as_of < excluded.catalog_as_of
"""

_UPSERT_STOCK = """
INSERT INTO products AS p (product_id, stock, stock_as_of) VALUES ($1, $2, $3)
ON CONFLICT (product_id) DO UPDATE
SET stock = excluded.stock, stock_as_of = excluded.stock_as_of, updated_at = now()
WHERE p.stock_as_of IS NULL OR p.stock_as_of < excluded.stock_as_of
"""

_MARK_DELETED = """
INSERT INTO products AS p (product_id, deleted, catalog_as_of) VALUES ($1, true, $2)
ON CONFLICT (product_id) DO UPDATE
SET deleted = true, catalog_as_of = greatest(p.catalog_as_of, excluded.catalog_as_of),
    updated_at = now()
"""


async def upsert_catalog(
    conn: asyncpg.Connection,
    product_id: uuid.UUID,
    *,
    name: str,
    price_cents: int,
    currency: str,
    as_of: datetime,
) -> None:
    """Record a product's catalog fields as of `as_of`, unless newer ones are already known."""
    await conn.execute(_UPSERT_CATALOG, product_id, name, price_cents, currency, as_of)


async def upsert_stock(
    conn: asyncpg.Connection, product_id: uuid.UUID, *, stock: int, as_of: datetime
) -> None:
    """Record a product's stock as of `as_of`, unless a newer figure is already known."""
    await conn.execute(_UPSERT_STOCK, product_id, stock, as_of)


async def mark_deleted(conn: asyncpg.Connection, product_id: uuid.UUID, *, as_of: datetime) -> None:
    """Deletion is final: a product id is never reused, and no older event undoes it."""
    await conn.execute(_MARK_DELETED, product_id, as_of)


@dataclass(frozen=True, slots=True)
class ProductState:
    """What the read model knows of a product; `name` and `price_cents` are empty while only
    its stock has been heard of."""

    product_id: uuid.UUID
    name: str | None
    price_cents: int | None
    stock: int
    deleted: bool


# Carts

# Locking a cart for a change gives it a new revision (a new cart gets its first one).
_LOCK_CART = """
INSERT INTO carts (user_id) VALUES ($1)
ON CONFLICT (user_id) DO UPDATE SET updated_at = now(), revision = gen_random_uuid()
"""

_LOCK_CART_AND_READ_PRODUCT = """
WITH cart AS (
    INSERT INTO carts (user_id) VALUES ($1)
    ON CONFLICT (user_id) DO UPDATE SET updated_at = now(), revision = gen_random_uuid()
    RETURNING user_id
)
SELECT p.product_id, p.name, p.price_cents, p.stock, p.deleted
FROM cart LEFT JOIN products AS p ON p.product_id = $2
"""

# Selects the CTE `lines` (product_id, quantity, unit_price_cents, added_at, changed) priced
# from the read model, in the order the lines were added to the cart.
_SELECT_PRICED_LINES = """
SELECT l.product_id, l.quantity, l.unit_price_cents, l.changed,
       p.name, p.price_cents, p.currency,
       coalesce(p.stock, 0) AS stock, coalesce(p.deleted, true) AS deleted
FROM lines AS l LEFT JOIN products AS p ON p.product_id = l.product_id
ORDER BY l.added_at, l.product_id
"""

# After a CTE `put` that wrote one line or none: the cart's lines, the written one as written
# (changed) and the others as they are.
_LINES_AFTER_PUT = """,
lines AS (
    SELECT product_id, quantity, unit_price_cents, added_at, true AS changed FROM put
    UNION ALL
    SELECT product_id, quantity, unit_price_cents, added_at, false AS changed
    FROM cart_items WHERE user_id = $1 AND product_id NOT IN (SELECT product_id FROM put)
)"""


def _priced(ctes: str) -> str:
    """`WITH ctes`, which define `lines`, then the priced lines (fixed fragments only)."""
    return "WITH " + ctes + _SELECT_PRICED_LINES


def _priced_after_put(put: str) -> str:
    return _priced(put + _LINES_AFTER_PUT)


_CART_LINES = _priced("""
lines AS (
    SELECT product_id, quantity, unit_price_cents, added_at, false AS changed
    FROM cart_items WHERE user_id = $1
)""")

# The lines with the cart's revision on each row: one snapshot, so the revision is the one
# those lines were written under.
_CHECKOUT_LINES = """
WITH lines AS (
    SELECT product_id, quantity, unit_price_cents, added_at, false AS changed
    FROM cart_items WHERE user_id = $1
)
SELECT (SELECT revision FROM carts WHERE user_id = $1) AS revision,
       l.product_id, l.quantity, l.unit_price_cents, l.changed,
       p.name, p.price_cents, p.currency,
       coalesce(p.stock, 0) AS stock, coalesce(p.deleted, true) AS deleted
FROM lines AS l LEFT JOIN products AS p ON p.product_id = l.product_id
ORDER BY l.added_at, l.product_id
"""

# Adds to the line's quantity, only while the sum stays at most $5.
_ADD_TO_LINE = _priced_after_put("""
put AS (
    INSERT INTO cart_items AS line (user_id, product_id, quantity, unit_price_cents)
    SELECT $1::uuid, $2::uuid, $3::int, $4::int WHERE $3::int <= $5::int
    ON CONFLICT (user_id, product_id) DO UPDATE
    SET quantity = line.quantity + excluded.quantity,
        unit_price_cents = excluded.unit_price_cents, updated_at = now()
    WHERE line.quantity + excluded.quantity <= $5::int
    RETURNING product_id, quantity, unit_price_cents, added_at
)""")

_SET_LINE = _priced_after_put("""
put AS (
    INSERT INTO cart_items AS line (user_id, product_id, quantity, unit_price_cents)
    VALUES ($1, $2, $3, $4)
    ON CONFLICT (user_id, product_id) DO UPDATE
    SET quantity = excluded.quantity, unit_price_cents = excluded.unit_price_cents,
        updated_at = now()
    RETURNING product_id, quantity, unit_price_cents, added_at
)""")

# Deletes the cart's lines, or only one product's, or only those last changed at or before a
# time; selects the lines as they were, those it deleted marked changed.
_DELETE_LINES = _priced("""
gone AS (
    DELETE FROM cart_items
    WHERE user_id = $1
      AND ($2::uuid IS NULL OR product_id = $2::uuid)
      AND ($3::timestamptz IS NULL OR updated_at <= $3::timestamptz)
    RETURNING product_id
),
lines AS (
    SELECT product_id, quantity, unit_price_cents, added_at,
           product_id IN (SELECT product_id FROM gone) AS changed
    FROM cart_items WHERE user_id = $1
)""")


@dataclass(frozen=True, slots=True)
class LineState:
    """A cart line with what the read model knows of its product now."""

    product_id: uuid.UUID
    quantity: int
    seen_price_cents: int
    name: str | None
    price_cents: int | None
    currency: str | None
    stock: int
    deleted: bool


def _line(row: asyncpg.Record) -> LineState:
    return LineState(
        product_id=row["product_id"],
        quantity=row["quantity"],
        seen_price_cents=row["unit_price_cents"],
        name=row["name"],
        price_cents=row["price_cents"],
        currency=row["currency"],
        stock=row["stock"],
        deleted=row["deleted"],
    )


async def lock_cart(conn: asyncpg.Connection, user_id: uuid.UUID) -> None:
    """Create the user's cart if missing and lock it until the transaction ends."""
    await conn.execute(_LOCK_CART, user_id)


async def lock_cart_and_read_product(
    conn: asyncpg.Connection, user_id: uuid.UUID, product_id: uuid.UUID
) -> ProductState | None:
    """`lock_cart`, and what the read model knows of the product (None if nothing)."""
    row = await conn.fetchrow(_LOCK_CART_AND_READ_PRODUCT, user_id, product_id)
    if row is None or row["product_id"] is None:
        return None
    return ProductState(
        product_id=row["product_id"],
        name=row["name"],
        price_cents=row["price_cents"],
        stock=row["stock"],
        deleted=row["deleted"],
    )


async def cart_lines(conn: asyncpg.Connection, user_id: uuid.UUID) -> list[LineState]:
    """The user's lines in the order they were added."""
    return [_line(row) for row in await conn.fetch(_CART_LINES, user_id)]


async def checkout_lines(
    conn: asyncpg.Connection, user_id: uuid.UUID
) -> tuple[uuid.UUID | None, list[LineState]]:
    """The cart's revision (None for a cart without lines) and its lines, as one snapshot."""
    rows = await conn.fetch(_CHECKOUT_LINES, user_id)
    revision = rows[0]["revision"] if rows else None
    return revision, [_line(row) for row in rows]


async def add_to_line(
    conn: asyncpg.Connection,
    user_id: uuid.UUID,
    product_id: uuid.UUID,
    *,
    quantity: int,
    unit_price_cents: int,
    at_most: int,
) -> tuple[bool, list[LineState]]:
    """Add `quantity` to the product's line (a new line if none) at `unit_price_cents`,
    unless the line would then hold more than `at_most`. Returns whether the line was
    written, and the cart's lines after."""
    rows = await conn.fetch(_ADD_TO_LINE, user_id, product_id, quantity, unit_price_cents, at_most)
    return any(row["changed"] for row in rows), [_line(row) for row in rows]


async def set_line(
    conn: asyncpg.Connection,
    user_id: uuid.UUID,
    product_id: uuid.UUID,
    *,
    quantity: int,
    unit_price_cents: int,
) -> list[LineState]:
    """Set the product's line (a new line if none); returns the cart's lines after."""
    rows = await conn.fetch(_SET_LINE, user_id, product_id, quantity, unit_price_cents)
    return [_line(row) for row in rows]


async def delete_lines(
    conn: asyncpg.Connection,
    user_id: uuid.UUID,
    *,
    product_id: uuid.UUID | None = None,
    changed_before: datetime | None = None,
) -> tuple[int, list[LineState]]:
    """Delete the cart's lines (only the product's, if given; only those last changed at or
    before `changed_before`, if given). Returns how many were deleted, and the lines left."""
    rows = await conn.fetch(_DELETE_LINES, user_id, product_id, changed_before)
    left = [_line(row) for row in rows if not row["changed"]]
    return len(rows) - len(left), left
