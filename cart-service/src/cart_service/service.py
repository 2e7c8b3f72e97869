"""Use cases of the cart service. Every change of a cart stages a cart.updated event in the
caller's transaction; nothing here commits."""

import uuid
from datetime import datetime

from service_kit.outbox import add_event
from sqlalchemy.ext.asyncio import AsyncSession

from cart_service import repository
from cart_service.errors import (
    CartItemNotFound,
    InsufficientStock,
    ProductNotFound,
    ProductUnavailable,
    QuantityLimitExceeded,
)
from cart_service.models import MAX_LINE_QUANTITY, Product
from cart_service.pricing import CartView, price_cart

# The cart


async def get_cart(session: AsyncSession, user_id: uuid.UUID) -> CartView:
    return price_cart(await repository.cart_lines(session, user_id))


async def add_item(
    session: AsyncSession, user_id: uuid.UUID, product_id: uuid.UUID, quantity: int
) -> CartView:
    await repository.lock_cart(session, user_id)
    product = await _sold_product(session, product_id)
    held = await repository.get_quantity(session, user_id, product_id)
    return await _put(session, user_id, product, held + quantity)


async def set_item(
    session: AsyncSession, user_id: uuid.UUID, product_id: uuid.UUID, quantity: int
) -> CartView:
    """Set a line's quantity; 0 removes the line."""
    await repository.lock_cart(session, user_id)
    if quantity == 0:
        if await repository.delete_line(session, user_id, product_id):
            return await _announce(session, user_id)
        return await get_cart(session, user_id)
    product = await _sold_product(session, product_id)
    return await _put(session, user_id, product, quantity)


async def remove_item(session: AsyncSession, user_id: uuid.UUID, product_id: uuid.UUID) -> None:
    await repository.lock_cart(session, user_id)
    if not await repository.delete_line(session, user_id, product_id):
        raise CartItemNotFound()
    await _announce(session, user_id)


async def clear_cart(session: AsyncSession, user_id: uuid.UUID) -> None:
    await repository.lock_cart(session, user_id)
    if await repository.delete_lines(session, user_id):
        await _announce(session, user_id)


async def order_placed(session: AsyncSession, user_id: uuid.UUID, placed_at: datetime) -> None:
    """The user checked out: empty the cart, keeping only what was put in after the order."""
    await repository.lock_cart(session, user_id)
    if await repository.delete_lines(session, user_id, changed_before=placed_at):
        await _announce(session, user_id)


async def _sold_product(session: AsyncSession, product_id: uuid.UUID) -> Product:
    product = await repository.get_product(session, product_id)
    if product is None or product.name is None or product.price_cents is None:
        raise ProductNotFound()
    if product.deleted:
        raise ProductUnavailable()
    return product


async def _put(
    session: AsyncSession, user_id: uuid.UUID, product: Product, quantity: int
) -> CartView:
    assert product.price_cents is not None
    if quantity > MAX_LINE_QUANTITY:
        raise QuantityLimitExceeded.of(
            product.product_id, quantity=quantity, maximum=MAX_LINE_QUANTITY
        )
    if quantity > product.stock:
        raise InsufficientStock.of(product.product_id, quantity=quantity, available=product.stock)
    # The customer has now chosen at today's price: any earlier price warning is answered.
    await repository.put_line(
        session,
        user_id,
        product.product_id,
        quantity=quantity,
        unit_price_cents=product.price_cents,
    )
    return await _announce(session, user_id)


async def _announce(session: AsyncSession, user_id: uuid.UUID) -> CartView:
    view = await get_cart(session, user_id)
    await add_event(session, view.event(user_id))
    return view


# The product read model


async def record_product(
    session: AsyncSession,
    product_id: uuid.UUID,
    *,
    name: str,
    price_cents: int,
    currency: str,
    as_of: datetime,
) -> None:
    await repository.upsert_catalog(
        session, product_id, name=name, price_cents=price_cents, currency=currency, as_of=as_of
    )


async def record_stock(
    session: AsyncSession, product_id: uuid.UUID, stock: int, as_of: datetime
) -> None:
    await repository.upsert_stock(session, product_id, stock=stock, as_of=as_of)


async def record_deletion(session: AsyncSession, product_id: uuid.UUID, as_of: datetime) -> None:
    await repository.mark_deleted(session, product_id, as_of=as_of)
