"""Every query of the product service."""

import uuid
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from functools import cache
from typing import Any

import asyncpg
from sqlalchemy import (
    ColumnElement,
    Select,
    SQLColumnExpression,
    and_,
    func,
    literal_column,
    select,
    text,
)
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlalchemy.sql.elements import TextClause

from product_service.models import TS_CONFIG, Product
from product_service.search import CategoryStats, Filters, SortOrder

_CONFIG: ColumnElement[Any] = literal_column(f"'{TS_CONFIG}'::regconfig")
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
    await _write_search_row(session, product.id)
    return product


async def save_product(session: AsyncSession, product: Product) -> None:
    product.updated_at = datetime.now(UTC)
    await session.flush()
    await _write_search_row(session, product.id)


async def mark_deleted(session: AsyncSession, product: Product) -> None:
    product.deleted_at = product.updated_at = datetime.now(UTC)
    await session.flush()
    await session.execute(_DELETE_SEARCH_ROW, {"id": product.id})


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
        await autocommit.execute(text("VACUUM (ANALYZE) products, product_search, search_terms"))


# The search rows (models.SearchRow): what a text search reads of each live product, written
# with the product in the same transaction.
_SEARCH_ROW_COLUMNS = "id, category, price_cents, stock, created_at, sort_name, search_vector"
_SEARCH_ROW_OF_PRODUCT = (
    "SELECT id, category, price_cents, stock, created_at, lower(name), search_vector"
    " FROM products WHERE deleted_at IS NULL"
)
_WRITE_SEARCH_ROW = text(
    f"INSERT INTO product_search ({_SEARCH_ROW_COLUMNS})"
    f" {_SEARCH_ROW_OF_PRODUCT} AND id = :id"
    " ON CONFLICT (id) DO UPDATE SET category = excluded.category,"
    " price_cents = excluded.price_cents, stock = excluded.stock,"
    " created_at = excluded.created_at, sort_name = excluded.sort_name,"
    " search_vector = excluded.search_vector"
)
_DELETE_SEARCH_ROW = text("DELETE FROM product_search WHERE id = :id")
_SET_SEARCH_ROW_STOCK = text("UPDATE product_search SET stock = :stock WHERE id = :id")


async def _write_search_row(session: AsyncSession, product_id: uuid.UUID) -> None:
    """The product's search row as the product now is (after a flush)."""
    await session.execute(_WRITE_SEARCH_ROW, {"id": product_id})


async def rebuild_search_rows(session: AsyncSession) -> None:
    """Every live product's search row again, in category order (after a bulk load)."""
    await session.execute(text("DELETE FROM product_search"))
    await session.execute(
        text(
            f"INSERT INTO product_search ({_SEARCH_ROW_COLUMNS})"
            f" {_SEARCH_ROW_OF_PRODUCT} ORDER BY category, price_cents"
        )
    )


# One round trip: the product and its search row, only if this level is newer than the last.
_SET_STOCK = """
WITH applied AS (
    UPDATE products SET stock = $2, stock_event_at = $3
    WHERE id = $1 AND (stock_event_at IS NULL OR stock_event_at < $3)
    RETURNING id
), searched AS (
    UPDATE product_search AS s SET stock = $2 FROM applied WHERE s.id = applied.id
)
SELECT count(*) FROM applied
"""


async def set_stock(
    conn: asyncpg.Connection, product_id: uuid.UUID, stock: int, occurred_at: datetime
) -> bool:
    """Apply a stock level measured at `occurred_at`, unless a later one was applied already
    (on asyncpg directly: every checkout sends one). Returns whether it was applied."""
    return bool(await conn.fetchval(_SET_STOCK, product_id, stock, occurred_at))


# Categories


async def live_categories(session: AsyncSession) -> list[tuple[str, int]]:
    query = (
        select(Product.category, func.count())
        .where(_LIVE)
        .group_by(Product.category)
        .order_by(Product.category)
    )
    return [(name, int(count)) for name, count in (await session.execute(query)).all()]


# Search


def _conditions(tsquery: ColumnElement[Any] | None, filters: Filters) -> list[ColumnElement[bool]]:
    """The conditions every facet shares: live, text, stock."""
    conditions: list[ColumnElement[bool]] = [_LIVE]
    if tsquery is not None:
        conditions.append(Product.search_vector.bool_op("@@")(tsquery))
    if filters.in_stock:
        conditions.append(Product.stock > 0)
    return conditions


def _in_price_range(
    filters: Filters, price: SQLColumnExpression[int] = Product.price_cents
) -> ColumnElement[bool] | None:
    bounds: list[ColumnElement[bool]] = []
    if filters.min_price_cents is not None:
        bounds.append(price >= filters.min_price_cents)
    if filters.max_price_cents is not None:
        bounds.append(price <= filters.max_price_cents)
    return and_(*bounds) if bounds else None


async def browse_stats(session: AsyncSession, filters: Filters) -> list[CategoryStats]:
    """Per category among live products (in stock, if asked): how many are in the price range,
    and their price range. Read from the covering category index alone."""
    in_range = _in_price_range(filters)
    counted = func.count() if in_range is None else func.count().filter(in_range)
    query = (
        select(
            Product.category,
            counted,
            func.min(Product.price_cents),
            func.max(Product.price_cents),
        )
        .where(*_conditions(None, filters))
        .group_by(Product.category)
    )
    rows = (await session.execute(query)).all()
    return [CategoryStats(name, int(n), int(low), int(high)) for name, n, low, high in rows]


def _browse_order(sort: SortOrder) -> list[ColumnElement[Any]]:
    """Without words, relevance means newest first."""
    if sort == "price_asc":
        return [Product.price_cents.asc(), Product.id.asc()]
    if sort == "price_desc":
        return [Product.price_cents.desc(), Product.id.desc()]
    if sort == "name":
        return [func.lower(Product.name).asc(), Product.id.asc()]
    return [Product.created_at.desc(), Product.id.desc()]


def _page_query(filters: Filters, sort: SortOrder, limit: int, offset: int) -> Select[uuid.UUID]:
    conditions = _conditions(None, filters)
    if (in_range := _in_price_range(filters)) is not None:
        conditions.append(in_range)
    if filters.category is not None:
        conditions.append(Product.category == filters.category)
    return (
        select(Product.id)
        .where(*conditions)
        .order_by(*_browse_order(sort))
        .limit(limit)
        .offset(offset)
    )


async def browse_page_ids(
    session: AsyncSession, filters: Filters, sort: SortOrder, limit: int, offset: int
) -> list[uuid.UUID]:
    """One page of the catalog without words (the sort's index gives it without a scan)."""
    query = _page_query(filters, sort, limit, offset)
    return list((await session.scalars(query)).all())


# The text search, written out: built from fixed fragments chosen by the request's shape (never
# from its values, which are all bound parameters), one prepared statement per shape. As SQL
# text it costs ~0.3 ms of Python per call; composed with SQLAlchemy Core it cost ~1.5 ms.
_MATCH_ORDER: dict[str, str] = {
    "price_asc": "price_cents ASC, id ASC",
    "price_desc": "price_cents DESC, id DESC",
    "name": "sort_name ASC, id ASC",
    "relevance": "rank DESC, created_at DESC, id DESC",
    "newest": "created_at DESC, id DESC",
}
_MATCH_EXTRA: dict[str, str] = {
    "relevance": ", ts_rank(p.search_vector, query) AS rank",
    "name": ", p.sort_name",
}


@cache
def _text_search_sql(
    sort: SortOrder, in_stock: bool, has_min: bool, has_max: bool, has_category: bool
) -> TextClause:
    in_range = " AND ".join(
        [
            *(["price_cents >= :min_price"] if has_min else []),
            *(["price_cents <= :max_price"] if has_max else []),
        ]
    )
    shown = " AND ".join(
        [*([in_range] if in_range else []), *(["category = :category"] if has_category else [])]
    )
    order = _MATCH_ORDER[sort]
    extra = _MATCH_EXTRA.get(sort, "")
    if sort == "relevance" and shown:
        # Ranked only where shown: the facets count every match, the page shows fewer.
        extra = f", CASE WHEN {shown} THEN ts_rank(p.search_vector, query) END AS rank"
    return text(
        "WITH matches AS MATERIALIZED ("  # noqa: S608 - fixed fragments only; values are bound
        f" SELECT p.id, p.category, p.price_cents, p.created_at{extra}"
        f" FROM product_search AS p, to_tsquery('{TS_CONFIG}'::regconfig, :query) AS query"
        " WHERE p.search_vector @@ query"
        f"{' AND p.stock > 0' if in_stock else ''}),"
        " stats AS ("
        f" SELECT category, count(*){f' FILTER (WHERE {in_range})' if in_range else ''} AS n,"
        " min(price_cents) AS low, max(price_cents) AS high FROM matches GROUP BY category),"
        # The page keeps its sort keys and is put in order again (20 rows) when aggregated: a
        # window function here would sort every match instead of keeping only the best ones.
        " page AS ("
        f" SELECT * FROM matches{f' WHERE {shown}' if shown else ''}"
        f" ORDER BY {order} LIMIT :limit OFFSET :offset)"
        " SELECT (SELECT array_agg(category) FROM stats), (SELECT array_agg(n) FROM stats),"
        " (SELECT array_agg(low) FROM stats), (SELECT array_agg(high) FROM stats),"
        f" (SELECT array_agg(id ORDER BY {order}) FROM page)"
    )


async def text_search(
    session: AsyncSession,
    query_text: str,
    filters: Filters,
    sort: SortOrder,
    limit: int,
    offset: int,
) -> tuple[list[CategoryStats], list[uuid.UUID]]:
    """The per-category counts and one page of a text search, in one statement that reads the
    matches once: they are materialised with what counting and sorting need (and their rank,
    for relevance), then counted per category and sorted for the page."""
    statement = _text_search_sql(
        sort,
        filters.in_stock,
        filters.min_price_cents is not None,
        filters.max_price_cents is not None,
        filters.category is not None,
    )
    values: dict[str, Any] = {"query": query_text, "limit": limit, "offset": offset}
    if filters.min_price_cents is not None:
        values["min_price"] = filters.min_price_cents
    if filters.max_price_cents is not None:
        values["max_price"] = filters.max_price_cents
    if filters.category is not None:
        values["category"] = filters.category
    names, counts, lows, highs, ids = (await session.execute(statement, values)).one()
    found = [
        CategoryStats(name, int(n), int(low), int(high))
        for name, n, low, high in zip(
            names or [], counts or [], lows or [], highs or [], strict=True
        )
    ]
    return found, list(ids or [])


# The search index (search_index.py, search_sync.py): every row at start-up, the changed ones
# after a notification, and each typed word's lexeme.
_INDEXED_ROWS = (
    "SELECT id, category, price_cents, stock, created_at, sort_name, search_vector::text"
    " FROM product_search"
)
SEARCH_ROWS_CHANNEL = "product_search_changed"  # see migration 0003


async def search_rows(conn: asyncpg.Connection) -> list[asyncpg.Record]:
    return list(await conn.fetch(_INDEXED_ROWS))


async def search_rows_by_ids(
    conn: asyncpg.Connection, ids: Sequence[uuid.UUID]
) -> list[asyncpg.Record]:
    return list(await conn.fetch(f"{_INDEXED_ROWS} WHERE id = ANY($1::uuid[])", list(ids)))


async def orders_text_by_code_point(conn: asyncpg.Connection) -> bool:
    """Whether `ORDER BY sort_name` is code point order (the index orders names so)."""
    collation = await conn.fetchval(
        "SELECT datcollate FROM pg_database WHERE datname = current_database()"
    )
    return str(collation) in {"C", "POSIX", "C.UTF-8", "C.utf8"}


async def tsqueries_of(session: AsyncSession, words: Sequence[str]) -> dict[str, str]:
    """`to_tsquery` of each word alone, as text."""
    rows = await session.execute(
        text(
            f"SELECT w, to_tsquery('{TS_CONFIG}'::regconfig, w)::text"  # noqa: S608 - a constant
            " FROM unnest(CAST(:words AS text[])) AS w"
        ),
        {"words": list(words)},
    )
    return {str(word): str(query) for word, query in rows.all()}


# What a search page shows of each product (ProductOut), on asyncpg directly: with the page's
# ids from the search index, this is a text search's only statement.
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


# Search vocabulary


async def add_search_terms(session: AsyncSession, terms: Iterable[str]) -> None:
    words = sorted(set(terms))
    if not words:
        return
    await session.execute(
        text(
            "INSERT INTO search_terms (term) SELECT unnest(CAST(:terms AS text[])) "
            "ON CONFLICT DO NOTHING"
        ),
        {"terms": words},
    )


async def similar_terms(
    session: AsyncSession, words: Sequence[str], *, per_word: int, min_similarity: float
) -> dict[str, list[str]]:
    """For each word, the known terms most similar to it (trigram similarity), best first."""
    if not words:
        return {}
    query = text(
        "SELECT w.word, t.term FROM unnest(CAST(:words AS text[])) AS w(word) "
        "CROSS JOIN LATERAL ("
        "  SELECT term, similarity(term, w.word) AS score FROM search_terms "
        "  WHERE term % w.word AND similarity(term, w.word) >= :min_similarity "
        "  ORDER BY score DESC, abs(length(term) - length(w.word)), term LIMIT :per_word"
        ") t"
    )
    rows = await session.execute(
        query, {"words": list(words), "per_word": per_word, "min_similarity": min_similarity}
    )
    found: dict[str, list[str]] = {}
    for word, term in rows.all():
        found.setdefault(word, []).append(term)
    return found


async def rebuild_search_terms(session: AsyncSession) -> None:
    """Collect the vocabulary from every live product (after a bulk load)."""
    await session.execute(
        text(
            "INSERT INTO search_terms (term) "
            "SELECT DISTINCT word FROM products, "
            "regexp_split_to_table(lower(name || ' ' || replace(category, '-', ' ') || ' ' || "
            "coalesce((SELECT string_agg(value, ' ') FROM jsonb_each_text(attributes)), '')), "
            "'[^[:alnum:]]+') AS word "
            "WHERE deleted_at IS NULL AND length(word) BETWEEN 3 AND 40 AND word !~ '[[:digit:]]' "
            "ON CONFLICT DO NOTHING"
        )
    )
