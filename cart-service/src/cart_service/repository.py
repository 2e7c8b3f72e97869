"""Every query of the cart service."""

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, or_, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from cart_service.models import Cart, CartItem, Product

# Product read model


async def upsert_catalog(
    session: AsyncSession,
    product_id: uuid.UUID,
    *,
    name: str,
    price_cents: int,
    currency: str,
    as_of: datetime,
) -> None:
    """Record a product's catalog fields as of `as_of`, unless newer ones are already known."""
    stmt = insert(Product).values(
        product_id=product_id,
        name=name,
        price_cents=price_cents,
        currency=currency,
        catalog_as_of=as_of,
    )
    await session.execute(
        stmt.on_conflict_do_update(
            index_elements=[Product.product_id],
            set_={
                "name": stmt.excluded.name,
                "price_cents": stmt.excluded.price_cents,
                "currency": stmt.excluded.currency,
                "catalog_as_of": stmt.excluded.catalog_as_of,
                "updated_at": func.now(),
            },
            where=or_(Product.catalog_as_of.is_(None), Product.catalog_as_of < as_of),
        )
    )


async def upsert_stock(
    session: AsyncSession, product_id: uuid.UUID, *, stock: int, as_of: datetime
) -> None:
    """Record a product's stock as of `as_of`, unless a newer figure is already known."""
    stmt = insert(Product).values(product_id=product_id, stock=stock, stock_as_of=as_of)
    await session.execute(
        stmt.on_conflict_do_update(
            index_elements=[Product.product_id],
            set_={
                "stock": stmt.excluded.stock,
                "stock_as_of": stmt.excluded.stock_as_of,
                "updated_at": func.now(),
            },
            where=or_(Product.stock_as_of.is_(None), Product.stock_as_of < as_of),
        )
    )


async def mark_deleted(session: AsyncSession, product_id: uuid.UUID, *, as_of: datetime) -> None:
    """Deletion is final: a product id is never reused, and no older event undoes it."""
    stmt = insert(Product).values(product_id=product_id, deleted=True, catalog_as_of=as_of)
    await session.execute(
        stmt.on_conflict_do_update(
            index_elements=[Product.product_id],
            set_={
                "deleted": True,
                "catalog_as_of": func.greatest(Product.catalog_as_of, as_of),
                "updated_at": func.now(),
            },
        )
    )


async def get_product(session: AsyncSession, product_id: uuid.UUID) -> Product | None:
    return await session.get(Product, product_id)


# Carts


async def lock_cart(session: AsyncSession, user_id: uuid.UUID) -> None:
    """Create the user's cart if missing and lock it until the transaction ends."""
    stmt = insert(Cart).values(user_id=user_id)
    await session.execute(
        stmt.on_conflict_do_update(index_elements=[Cart.user_id], set_={"updated_at": func.now()})
    )


async def get_quantity(session: AsyncSession, user_id: uuid.UUID, product_id: uuid.UUID) -> int:
    quantity = await session.scalar(
        select(CartItem.quantity).where(
            CartItem.user_id == user_id, CartItem.product_id == product_id
        )
    )
    return quantity or 0


async def put_line(
    session: AsyncSession,
    user_id: uuid.UUID,
    product_id: uuid.UUID,
    *,
    quantity: int,
    unit_price_cents: int,
) -> None:
    stmt = insert(CartItem).values(
        user_id=user_id,
        product_id=product_id,
        quantity=quantity,
        unit_price_cents=unit_price_cents,
    )
    await session.execute(
        stmt.on_conflict_do_update(
            index_elements=[CartItem.user_id, CartItem.product_id],
            set_={
                "quantity": stmt.excluded.quantity,
                "unit_price_cents": stmt.excluded.unit_price_cents,
                "updated_at": func.now(),
            },
        )
    )


async def delete_line(session: AsyncSession, user_id: uuid.UUID, product_id: uuid.UUID) -> bool:
    deleted = await session.scalar(
        delete(CartItem)
        .where(CartItem.user_id == user_id, CartItem.product_id == product_id)
        .returning(CartItem.product_id)
    )
    return deleted is not None


async def delete_lines(
    session: AsyncSession, user_id: uuid.UUID, *, changed_before: datetime | None = None
) -> int:
    """Delete the cart's lines (only those last changed before `changed_before`, if given)."""
    stmt = delete(CartItem).where(CartItem.user_id == user_id)
    if changed_before is not None:
        stmt = stmt.where(CartItem.updated_at <= changed_before)
    result = await session.scalars(stmt.returning(CartItem.product_id))
    return len(result.all())


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


async def cart_lines(session: AsyncSession, user_id: uuid.UUID) -> list[LineState]:
    """The user's lines in the order they were added."""
    rows = await session.execute(
        select(
            CartItem.product_id,
            CartItem.quantity,
            CartItem.unit_price_cents,
            Product.name,
            Product.price_cents,
            Product.currency,
            func.coalesce(Product.stock, 0),
            func.coalesce(Product.deleted, True),
        )
        .outerjoin(Product, Product.product_id == CartItem.product_id)
        .where(CartItem.user_id == user_id)
        .order_by(CartItem.added_at, CartItem.product_id)
    )
    return [LineState(*row) for row in rows]
