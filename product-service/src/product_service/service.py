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
from product_service.search.cache import invalidate_after_commit
from product_service.search.engine import Found
from product_service.search.fragments import Fragments
from product_service.search.live import LiveSearchIndex, mark_changed_after_commit
from product_service.search.query import SearchRequest

log = logging.getLogger(__name__)

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
    found: Found


async def search(
    database: Database, request: SearchRequest, index: LiveSearchIndex
) -> SearchResult:
    """One page of a search with its facets (the search cache, which keeps whole responses,
    is the caller's: see routes.py). The index finds the page's products and counts the
    facets; the products come as JSON from the index's fragments, the missing ones read on
    asyncpg directly."""
    found = await index.search(request)
    items: Fragments = []
    if found.product_ids:

        async def read(ids: Sequence[uuid.UUID]) -> Sequence[Mapping[str, Any]]:
            async with database.connection() as conn:
                return await repository.products_by_ids(conn, ids)

        items = await index.fragments.page(found.product_ids, read)
    return SearchResult(items, found)


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
