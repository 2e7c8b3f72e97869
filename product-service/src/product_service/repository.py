"""Every query of the product service."""

import uuid
from collections.abc import AsyncIterator, Sequence
from datetime import UTC, datetime
from typing import Any

import asyncpg
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from product_service.models import Product

_LIVE = Product.deleted_at.is_(None)
_SEEDING_LOCK = 0x50524F44534545  # "PRODSEE"

# Products


async def get_product(
    session: AsyncSession, product_id: uuid.UUID, *, include_deleted: bool = False
) -> Product | None:
    query = select(Product).where(Product.id == product_id)
    if not include_deleted:
        query = query.where(_LIVE)
    return await session.scalar(query)


async def lock_product(session: AsyncSession, product_id: uuid.UUID) -> Product | None:
    """A live product, locked until the transaction ends (for an update or delete)."""
    query = select(Product).where(Product.id == product_id, _LIVE).with_for_update()
    return await session.scalar(query)


async def add_product(session: AsyncSession, product: Product) -> Product:
    session.add(product)
    await session.flush()
    return product


async def save_product(session: AsyncSession, product: Product) -> None:
    product.updated_at = datetime.now(UTC)
    await session.flush()


async def mark_deleted(session: AsyncSession, product: Product) -> None:
    product.deleted_at = product.updated_at = datetime.now(UTC)
    await session.flush()


async def count_products(session: AsyncSession) -> int:
    """Every product ever added, deleted ones too."""
    return int(await session.scalar(select(func.count()).select_from(Product)) or 0)


async def lock_seeding(session: AsyncSession) -> None:
    """Serialise seeding, so two seeders never both find the catalog empty."""
    await session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _SEEDING_LOCK})


# Every column of a product row, in table order: what `copy_products` writes and what a search
# page reads.
COPY_COLUMNS = (
    "id",
    "name",
    "description",
    "price_cents",
    "currency",
    "category",
    "stock",
    "image_url",
    "attributes",
    "created_at",
    "updated_at",
)


async def copy_products(session: AsyncSession, rows: Sequence[tuple[Any, ...]]) -> None:
    """Bulk insert with COPY (rows in COPY_COLUMNS order, attributes as JSON text), in the
    session's transaction."""
    connection = await session.connection()
    raw = await connection.get_raw_connection()
    driver: Any = raw.driver_connection
    await driver.copy_records_to_table("products", records=rows, columns=COPY_COLUMNS)


async def vacuum_analyze(engine: AsyncEngine) -> None:
    """After a bulk load: the planner's statistics, and the visibility map that lets the
    category counts be read from the index alone."""
    async with engine.connect() as connection:
        autocommit = await connection.execution_options(isolation_level="AUTOCOMMIT")
        await autocommit.execute(text("VACUUM (ANALYZE) products"))


# Only if this level is newer than the last one applied.
_SET_STOCK = """
UPDATE products SET stock = $2, stock_event_at = $3
WHERE id = $1 AND (stock_event_at IS NULL OR stock_event_at < $3)
"""


async def set_stock(
    conn: asyncpg.Connection, product_id: uuid.UUID, stock: int, occurred_at: datetime
) -> bool:
    """Apply a stock level measured at `occurred_at`, unless a later one was applied already
    (on asyncpg directly: every checkout sends one). Returns whether it was applied."""
    return str(await conn.execute(_SET_STOCK, product_id, stock, occurred_at)) == "UPDATE 1"


# Categories


async def live_categories(session: AsyncSession) -> list[tuple[str, int]]:
    query = (
        select(Product.category, func.count())
        .where(_LIVE)
        .group_by(Product.category)
        .order_by(Product.category)
    )
    return [(name, int(count)) for name, count in (await session.execute(query)).all()]


# The search index (search/live.py): every live product at start-up, the changed ones after a
# notification (migration 0004 announces every change of `products`).
PRODUCTS_CHANNEL = "products_changed"
_INDEXED = (
    "SELECT id, name, description, category, attributes, price_cents, stock, created_at"
    " FROM products WHERE deleted_at IS NULL"
)


async def indexed_products(
    conn: asyncpg.Connection, batch: int
) -> AsyncIterator[list[asyncpg.Record]]:
    """Every live product, `batch` at a time (in a transaction: a cursor)."""
    cursor = await conn.cursor(_INDEXED)
    while records := await cursor.fetch(batch):
        yield records


async def indexed_products_by_ids(
    conn: asyncpg.Connection, ids: Sequence[uuid.UUID]
) -> list[asyncpg.Record]:
    """The live ones of these products."""
    return list(await conn.fetch(f"{_INDEXED} AND id = ANY($1::uuid[])", list(ids)))


# What a search page shows of each product (ProductOut), on asyncpg directly: with the page's
# ids from the search index, this is a search's only statement.
_PRODUCTS_BY_IDS = (
    f"SELECT {', '.join(COPY_COLUMNS)} FROM products"  # noqa: S608 - fixed column names only
    " WHERE id = ANY($1::uuid[]) AND deleted_at IS NULL"
)


async def products_by_ids(
    conn: asyncpg.Connection, ids: Sequence[uuid.UUID]
) -> list[asyncpg.Record]:
    """Live products with these ids, in the order given, with the product's fields."""
    # One array parameter, so every page size is the same prepared statement.
    rows = await conn.fetch(_PRODUCTS_BY_IDS, list(ids))
    found = {row["id"]: row for row in rows}
    return [found[i] for i in ids if i in found]
