"""Use cases of the catalog. Every change writes its event to the outbox in the same
transaction; nothing here commits (the request or message handler does, once)."""

import logging
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from service_kit.outbox import add_event
from service_kit.pg import Database, Tx
from shop_contracts.events import ProductCreated, ProductDeleted, ProductUpdated
from sqlalchemy.ext.asyncio import AsyncSession

from product_service import repository
from product_service.catalog_rules import placeholder_image_url
from product_service.errors import ProductNotFound
from product_service.models import Product
from product_service.search import (
    MIN_CORRECTABLE_LENGTH,
    CategoryStats,
    FacetCounts,
    Filters,
    SearchRequest,
    SortOrder,
    WordQuery,
    all_words,
    best_spellings,
    corrected,
    facets_from,
    shown_correction,
    vocabulary_of,
)
from product_service.search_cache import invalidate_after_commit
from product_service.search_fragments import Fragments, read_fragments
from product_service.search_sync import LiveSearchIndex, mark_changed_after_commit

log = logging.getLogger(__name__)

# Known terms looked at per misspelt word (most similar by trigrams), before the edit
# distance picks the nearest; and how alike (trigram similarity) a candidate must be.
CANDIDATES_PER_WORD = 10
MIN_CANDIDATE_SIMILARITY = 0.3

EDITABLE_FIELDS = ("name", "description", "price_cents", "category", "image_url", "attributes")


# Reading


async def get_product(session: AsyncSession, product_id: uuid.UUID) -> Product:
    product = await repository.get_product(session, product_id)
    if product is None:
        raise ProductNotFound()
    return product


async def get_product_for_picture(session: AsyncSession, product_id: uuid.UUID) -> Product:
    """Deleted products keep their picture: old orders still show it."""
    product = await repository.get_product(session, product_id, include_deleted=True)
    if product is None:
        raise ProductNotFound()
    return product


async def list_categories(session: AsyncSession) -> list[tuple[str, int]]:
    return await repository.live_categories(session)


@dataclass(frozen=True)
class SearchResult:
    items: Fragments  # each product's id and ProductOut JSON
    facets: FacetCounts
    corrected: str | None = None


async def search(
    session: AsyncSession,
    database: Database,
    request: SearchRequest,
    index: LiveSearchIndex | None = None,
) -> SearchResult:
    """One page of a search with its facets (the search cache, which keeps whole responses,
    is the caller's: see routes.py). Text searches are answered by the index where it can,
    by PostgreSQL otherwise. The page's products come as JSON from the index's fragments
    while it follows the changes, the missing ones read on asyncpg directly."""
    found = await _search(session, request, index)
    items: Fragments = []
    if found.product_ids:

        async def read(ids: Sequence[uuid.UUID]) -> Sequence[Mapping[str, Any]]:
            async with database.connection() as conn:
                return await repository.products_by_ids(conn, ids)

        if index is not None and index.ready:
            items = await index.fragments.page(found.product_ids, read)
        else:
            items = await read_fragments(found.product_ids, read)
    return SearchResult(items, found.facets, found.corrected)


@dataclass(frozen=True)
class _Found:
    product_ids: tuple[uuid.UUID, ...]
    facets: FacetCounts
    corrected: str | None


async def _search(
    session: AsyncSession, request: SearchRequest, index: LiveSearchIndex | None
) -> _Found:
    """Browsing: counts from the category index, the page from the sort's index. With words:
    one statement per attempt; when the words as typed match nothing, they are corrected,
    then relaxed (see search.py)."""
    filters, words = request.filters, request.words
    page = (request.sort, request.limit, request.offset)
    if not words:
        facets = facets_from(await repository.browse_stats(session, filters), filters)
        if facets.total <= request.offset:
            return _Found((), facets, None)
        ids = await repository.browse_page_ids(session, filters, *page)
        return _Found(tuple(ids), facets, None)
    stats, ids = await text_search(session, index, all_words(words), filters, *page)
    correction = None
    if not stats:
        spellings = await _spellings(session, words)
        if spellings:
            query = corrected(words, spellings)
            stats, ids = await text_search(session, index, query, filters, *page)
        if not stats and len(words) > 1:
            query = corrected(words, spellings, any_word=True)
            stats, ids = await text_search(session, index, query, filters, *page)
        if stats and spellings:
            correction = shown_correction(words, spellings)
    return _Found(tuple(ids), facets_from(stats, filters), correction)


async def text_search(
    session: AsyncSession,
    index: LiveSearchIndex | None,
    query: WordQuery,
    filters: Filters,
    sort: SortOrder,
    limit: int,
    offset: int,
) -> tuple[list[CategoryStats], list[uuid.UUID]]:
    """The per-category counts and one page of a text search: from the index when it is
    loaded and can answer the query exactly, otherwise from PostgreSQL (the same answer)."""
    if index is not None:
        found = await index.search(session, query, filters, sort, limit, offset)
        if found is not None:
            return found
    return await repository.text_search(session, query.text, filters, sort, limit, offset)


async def _spellings(session: AsyncSession, words: list[str]) -> dict[str, list[str]]:
    """The nearest known spellings of each word that is not a known term itself."""
    similar = await repository.similar_terms(
        session,
        [w for w in words if len(w) >= MIN_CORRECTABLE_LENGTH],
        per_word=CANDIDATES_PER_WORD,
        min_similarity=MIN_CANDIDATE_SIMILARITY,
    )
    return {
        word: best
        for word, terms in similar.items()
        if word not in terms and (best := best_spellings(word, terms))
    }


# Changing (admin)


async def create_product(
    session: AsyncSession,
    *,
    name: str,
    price_cents: int,
    category: str,
    currency: str,
    description: str = "",
    stock: int = 0,
    image_url: str | None = None,
    attributes: dict[str, Any] | None = None,
    product_id: uuid.UUID | None = None,
) -> Product:
    product_id = product_id or uuid.uuid4()
    product = Product(
        id=product_id,
        name=name,
        description=description,
        price_cents=price_cents,
        currency=currency,
        category=category,
        stock=stock,
        image_url=image_url or placeholder_image_url(product_id),
        attributes=attributes or {},
    )
    await repository.add_product(session, product)
    await repository.add_search_terms(session, _vocabulary(product))
    await add_event(session, ProductCreated(**_event_fields(product), stock=product.stock))
    invalidate_after_commit(session)
    mark_changed_after_commit(session, product.id)
    return product


async def update_product(
    session: AsyncSession, product_id: uuid.UUID, changes: dict[str, Any]
) -> Product:
    """Apply the fields given; a change that changes nothing publishes nothing."""
    product = await repository.lock_product(session, product_id)
    if product is None:
        raise ProductNotFound()
    wanted = {k: v for k, v in changes.items() if k in EDITABLE_FIELDS}
    if "image_url" in wanted and wanted["image_url"] is None:
        wanted["image_url"] = placeholder_image_url(product.id)
    changed = {k: v for k, v in wanted.items() if getattr(product, k) != v}
    if not changed:
        return product
    for key, value in changed.items():
        setattr(product, key, value)
    await repository.save_product(session, product)
    await repository.add_search_terms(session, _vocabulary(product))
    await add_event(session, ProductUpdated(**_event_fields(product)))
    invalidate_after_commit(session)
    mark_changed_after_commit(session, product.id)
    return product


async def delete_product(session: AsyncSession, product_id: uuid.UUID) -> None:
    """Hide the product from the catalog; orders keep their own copy of what was bought."""
    product = await repository.lock_product(session, product_id)
    if product is None:
        raise ProductNotFound()
    await repository.mark_deleted(session, product)
    await add_event(session, ProductDeleted(product_id=product.id))
    invalidate_after_commit(session)
    mark_changed_after_commit(session, product.id)


# Stock read model (inventory owns stock after creation)


async def apply_stock_level(
    tx: Tx, product_id: uuid.UUID, stock: int, occurred_at: datetime
) -> bool:
    """Take the inventory's stock level unless a later one was already applied (events may
    arrive out of order). Returns whether it was applied."""
    applied = await repository.set_stock(tx.conn, product_id, stock, occurred_at)
    if applied:
        invalidate_after_commit(tx, stock_of=product_id)
        mark_changed_after_commit(tx, product_id)
    else:
        log.info(
            "stock level not applied: unknown product or an older event",
            extra={"product_id": str(product_id), "occurred_at": occurred_at.isoformat()},
        )
    return applied


def _event_fields(product: Product) -> dict[str, Any]:
    return {
        "product_id": product.id,
        "name": product.name,
        "description": product.description,
        "price_cents": product.price_cents,
        "currency": product.currency,
        "category": product.category,
        "image_url": product.image_url,
    }


def _vocabulary(product: Product) -> set[str]:
    values = [v for v in product.attributes.values() if isinstance(v, str)]
    return vocabulary_of([product.name, product.category.replace("-", " "), *values])
