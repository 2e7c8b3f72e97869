"""Every query of the recommendation service, on asyncpg directly (the kit's pg.py).

The read model is written by event handlers only; requests read it. Each write is guarded so a
replayed or late event changes nothing (older catalog or stock figures, a cart announced
before the one held, a paid order heard of again, a cancelled order heard of as paid)."""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import asyncpg

from recommendation_service.recommender import Basket, CatalogItem

# Products

_UPSERT_CATALOG = """
INSERT INTO products AS p (product_id, name, description, category, price_cents, currency,
                           image_url, catalog_as_of, version)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1)
ON CONFLICT (product_id) DO UPDATE
SET name = excluded.name, description = excluded.description, category = excluded.category,
    price_cents = excluded.price_cents, currency = excluded.currency,
    image_url = excluded.image_url, catalog_as_of = excluded.catalog_as_of,
    version = p.version + 1, updated_at = now()
WHERE NOT p.deleted AND (p.catalog_as_of IS NULL OR p.catalog_as_of < excluded.catalog_as_of)
"""

_UPSERT_STOCK = """
INSERT INTO products AS p (product_id, stock, stock_as_of) VALUES ($1, $2, $3)
ON CONFLICT (product_id) DO UPDATE
SET stock = excluded.stock, stock_as_of = excluded.stock_as_of, updated_at = now()
WHERE p.stock_as_of IS NULL OR p.stock_as_of < excluded.stock_as_of
"""

_MARK_DELETED = """
INSERT INTO products AS p (product_id, deleted, catalog_as_of, version) VALUES ($1, true, $2, 1)
ON CONFLICT (product_id) DO UPDATE
SET deleted = true, catalog_as_of = greatest(p.catalog_as_of, excluded.catalog_as_of),
    version = p.version + 1, updated_at = now()
WHERE NOT p.deleted
"""


async def upsert_catalog(
    conn: asyncpg.Connection,
    product_id: uuid.UUID,
    *,
    name: str,
    description: str,
    category: str,
    price_cents: int,
    currency: str,
    image_url: str | None,
    as_of: datetime,
) -> None:
    """Record a product's catalog fields as of `as_of`, unless newer ones are known or the
    product was deleted (deletion is final: ids are never reused)."""
    await conn.execute(
        _UPSERT_CATALOG,
        product_id,
        name,
        description,
        category,
        price_cents,
        currency,
        image_url,
        as_of,
    )


async def upsert_stock(
    conn: asyncpg.Connection, product_id: uuid.UUID, *, stock: int, as_of: datetime
) -> None:
    await conn.execute(_UPSERT_STOCK, product_id, stock, as_of)


async def mark_deleted(conn: asyncpg.Connection, product_id: uuid.UUID, *, as_of: datetime) -> None:
    await conn.execute(_MARK_DELETED, product_id, as_of)


@dataclass(frozen=True, slots=True)
class ProductRow:
    """A product as a storefront card shows it, and whether it may be recommended."""

    product_id: uuid.UUID
    name: str
    category: str
    description: str
    price_cents: int
    currency: str
    image_url: str | None
    stock: int
    deleted: bool
    version: int


_PRODUCT_COLUMNS = (
    "product_id, name, category, description, price_cents, currency, image_url, stock, deleted,"
    " version"
)


async def products(
    conn: asyncpg.Connection, ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, ProductRow]:
    """The products among `ids` whose catalog fields are known (deleted ones included)."""
    rows = await conn.fetch(
        f"SELECT {_PRODUCT_COLUMNS} FROM products"  # noqa: S608 (a constant column list)
        " WHERE product_id = ANY($1::uuid[]) AND name IS NOT NULL",
        list(ids),
    )
    return {row["product_id"]: ProductRow(**row) for row in rows}


async def product(conn: asyncpg.Connection, product_id: uuid.UUID) -> ProductRow | None:
    return (await products(conn, [product_id])).get(product_id)


# Orders

_RECORD_ORDER = """
INSERT INTO orders AS o (order_id, user_id, placed_at) VALUES ($1, $2, $3)
ON CONFLICT (order_id) DO UPDATE
SET placed_at = excluded.placed_at, version = o.version + 1, updated_at = now()
WHERE o.placed_at IS NULL
RETURNING order_id
"""

_ADD_ITEMS = """
INSERT INTO order_items (order_id, product_id, quantity)
SELECT $1, product_id, quantity FROM unnest($2::uuid[], $3::int[]) AS t(product_id, quantity)
ON CONFLICT DO NOTHING
"""

_MARK_PAID = """
INSERT INTO orders AS o (order_id, user_id, status, paid_at) VALUES ($1, $2, 'paid', $3)
ON CONFLICT (order_id) DO UPDATE
SET status = 'paid', paid_at = excluded.paid_at, version = o.version + 1, updated_at = now()
WHERE o.status = 'pending'
"""

_MARK_CANCELLED = """
INSERT INTO orders AS o (order_id, user_id, status) VALUES ($1, $2, 'cancelled')
ON CONFLICT (order_id) DO UPDATE
SET status = 'cancelled', version = o.version + 1, updated_at = now()
WHERE o.status <> 'cancelled'
"""


async def record_order(
    conn: asyncpg.Connection,
    order_id: uuid.UUID,
    user_id: uuid.UUID,
    *,
    placed_at: datetime,
    quantities: dict[uuid.UUID, int],
) -> bool:
    """Record an order's items (once; the order may already be known as paid or cancelled).
    Returns False when its items were already recorded."""
    if await conn.fetchval(_RECORD_ORDER, order_id, user_id, placed_at) is None:
        return False
    await conn.execute(_ADD_ITEMS, order_id, list(quantities), list(quantities.values()))
    return True


async def mark_paid(
    conn: asyncpg.Connection, order_id: uuid.UUID, user_id: uuid.UUID, *, paid_at: datetime
) -> None:
    await conn.execute(_MARK_PAID, order_id, user_id, paid_at)


async def mark_cancelled(conn: asyncpg.Connection, order_id: uuid.UUID, user_id: uuid.UUID) -> None:
    await conn.execute(_MARK_CANCELLED, order_id, user_id)


# Carts

_CLAIM_CART = """
INSERT INTO carts AS c (user_id, as_of) VALUES ($1, $2)
ON CONFLICT (user_id) DO UPDATE SET as_of = excluded.as_of WHERE c.as_of < excluded.as_of
RETURNING user_id
"""

_SET_LINES = """
INSERT INTO cart_lines (user_id, product_id, quantity)
SELECT $1, product_id, quantity FROM unnest($2::uuid[], $3::int[]) AS t(product_id, quantity)
"""


async def replace_cart(
    conn: asyncpg.Connection,
    user_id: uuid.UUID,
    *,
    as_of: datetime,
    quantities: dict[uuid.UUID, int],
) -> bool:
    """Hold the cart as announced at `as_of`, unless a later announcement is held."""
    if await conn.fetchval(_CLAIM_CART, user_id, as_of) is None:
        return False
    await conn.execute("DELETE FROM cart_lines WHERE user_id = $1", user_id)
    await conn.execute(_SET_LINES, user_id, list(quantities), list(quantities.values()))
    return True


# A customer's history

_HISTORY = """
SELECT oi.product_id, o.status = 'paid' AS bought, sum(oi.quantity)::int AS quantity
FROM orders o JOIN order_items oi USING (order_id)
WHERE o.user_id = $1 AND o.status <> 'cancelled'
GROUP BY oi.product_id, o.status = 'paid'
"""


@dataclass(frozen=True, slots=True)
class History:
    bought: dict[uuid.UUID, int]  # in paid orders
    ordered: dict[uuid.UUID, int]  # in orders not paid yet
    cart: dict[uuid.UUID, int]


async def history(conn: asyncpg.Connection, user_id: uuid.UUID) -> History:
    bought: dict[uuid.UUID, int] = {}
    ordered: dict[uuid.UUID, int] = {}
    for row in await conn.fetch(_HISTORY, user_id):
        target = bought if row["bought"] else ordered
        target[row["product_id"]] = target.get(row["product_id"], 0) + row["quantity"]
    lines = await conn.fetch(
        "SELECT product_id, quantity FROM cart_lines WHERE user_id = $1", user_id
    )
    return History(bought, ordered, {row["product_id"]: row["quantity"] for row in lines})


# What the recommender's model is built from

_FINGERPRINT = """
SELECT (SELECT count(*) || ':' || coalesce(sum(version), 0) FROM products WHERE name IS NOT NULL)
       || '/' ||
       (SELECT count(*) || ':' || coalesce(sum(version), 0) FROM orders)
"""

_CATALOG = """
SELECT product_id, name, category, description FROM products
WHERE name IS NOT NULL AND NOT deleted ORDER BY product_id
"""

_PAID_BASKETS = """
SELECT array_agg(oi.product_id) AS products
FROM orders o JOIN order_items oi USING (order_id)
WHERE o.status = 'paid'
GROUP BY o.order_id
ORDER BY min(o.paid_at), o.order_id
"""


async def fingerprint(conn: asyncpg.Connection) -> str:
    """Changes whenever a committed change touches what the model is built from: every write
    of a product's catalog fields or of an order adds one to its row's version."""
    value: str = await conn.fetchval(_FINGERPRINT)
    return value


async def catalog(conn: asyncpg.Connection) -> list[CatalogItem]:
    return [CatalogItem(**row) for row in await conn.fetch(_CATALOG)]


async def paid_baskets(conn: asyncpg.Connection) -> list[Basket]:
    return [Basket(tuple(row["products"])) for row in await conn.fetch(_PAID_BASKETS)]
