"""Use cases of the cart service. Every change of a cart stages a cart.updated event in the
caller's transaction; nothing here commits."""

import uuid
from datetime import datetime

import asyncpg
from service_kit.outbox import add_event
from service_kit.pg import Tx

from cart_service import repository
from cart_service.errors import (
    CartItemNotFound,
    InsufficientStock,
    ProductNotFound,
    ProductUnavailable,
    QuantityLimitExceeded,
    TooManyCartLines,
)
from cart_service.models import MAX_CART_LINES, MAX_LINE_QUANTITY
from cart_service.pricing import CartView, price_cart
from cart_service.repository import LineState, ProductState

# The cart


async def get_cart(conn: asyncpg.Connection, user_id: uuid.UUID) -> CartView:
    return price_cart(await repository.cart_lines(conn, user_id))


async def checkout_cart(
    conn: asyncpg.Connection, user_id: uuid.UUID
) -> tuple[uuid.UUID | None, CartView]:
    """The cart as checkout takes it, with the revision its lines belong to."""
    revision, lines = await repository.checkout_lines(conn, user_id)
    return revision, price_cart(lines)


async def add_item(tx: Tx, user_id: uuid.UUID, product_id: uuid.UUID, quantity: int) -> CartView:
    product, price_cents = await _lock_cart_for(tx, user_id, product_id)
    written, lines = await repository.add_to_line(
        tx.conn,
        user_id,
        product_id,
        quantity=quantity,
        # The customer has now chosen at today's price: any earlier price warning is answered.
        unit_price_cents=price_cents,
        at_most=min(MAX_LINE_QUANTITY, product.stock),
    )
    if not written:
        held = next((line.quantity for line in lines if line.product_id == product_id), 0)
        refusal = _refusal(product, held + quantity)
        assert refusal is not None
        raise refusal
    _check_line_count(lines)
    return await _announce(tx, user_id, lines)


async def set_item(tx: Tx, user_id: uuid.UUID, product_id: uuid.UUID, quantity: int) -> CartView:
    """Set a line's quantity; 0 removes the line."""
    if quantity == 0:
        await repository.lock_cart(tx.conn, user_id)
        deleted, lines = await repository.delete_lines(tx.conn, user_id, product_id=product_id)
        if deleted:
            return await _announce(tx, user_id, lines)
        return price_cart(lines)
    product, price_cents = await _lock_cart_for(tx, user_id, product_id)
    if (refusal := _refusal(product, quantity)) is not None:
        raise refusal
    lines = await repository.set_line(
        tx.conn, user_id, product_id, quantity=quantity, unit_price_cents=price_cents
    )
    _check_line_count(lines)
    return await _announce(tx, user_id, lines)


async def remove_item(tx: Tx, user_id: uuid.UUID, product_id: uuid.UUID) -> None:
    await repository.lock_cart(tx.conn, user_id)
    deleted, lines = await repository.delete_lines(tx.conn, user_id, product_id=product_id)
    if not deleted:
        raise CartItemNotFound()
    await _announce(tx, user_id, lines)


async def clear_cart(tx: Tx, user_id: uuid.UUID) -> None:
    await repository.lock_cart(tx.conn, user_id)
    deleted, lines = await repository.delete_lines(tx.conn, user_id)
    if deleted:
        await _announce(tx, user_id, lines)


async def order_placed(tx: Tx, user_id: uuid.UUID, placed_at: datetime) -> None:
    """The user checked out: empty the cart, keeping only what was put in after the order."""
    await repository.lock_cart(tx.conn, user_id)
    deleted, lines = await repository.delete_lines(tx.conn, user_id, changed_before=placed_at)
    if deleted:
        await _announce(tx, user_id, lines)


async def _lock_cart_for(
    tx: Tx, user_id: uuid.UUID, product_id: uuid.UUID
) -> tuple[ProductState, int]:
    """Lock the cart, and return the product with its price if it is sold."""
    product = await repository.lock_cart_and_read_product(tx.conn, user_id, product_id)
    if product is None or product.name is None or product.price_cents is None:
        raise ProductNotFound()
    if product.deleted:
        raise ProductUnavailable()
    return product, product.price_cents


def _check_line_count(lines: list[LineState]) -> None:
    """After a line was written (the cart locked): a new line past the limit is refused, and
    the caller's transaction rolls it back."""
    if len(lines) > MAX_CART_LINES:
        raise TooManyCartLines(MAX_CART_LINES)


def _refusal(
    product: ProductState, quantity: int
) -> QuantityLimitExceeded | InsufficientStock | None:
    """Why a line of the product may not hold `quantity`, if it may not."""
    if quantity > MAX_LINE_QUANTITY:
        return QuantityLimitExceeded.of(
            product.product_id, quantity=quantity, maximum=MAX_LINE_QUANTITY
        )
    if quantity > product.stock:
        return InsufficientStock.of(product.product_id, quantity=quantity, available=product.stock)
    return None


async def _announce(tx: Tx, user_id: uuid.UUID, lines: list[LineState]) -> CartView:
    view = price_cart(lines)
    await add_event(tx, view.event(user_id))
    return view


# The product read model


async def record_product(
    tx: Tx,
    product_id: uuid.UUID,
    *,
    name: str,
    price_cents: int,
    currency: str,
    as_of: datetime,
) -> None:
    await repository.upsert_catalog(
        tx.conn, product_id, name=name, price_cents=price_cents, currency=currency, as_of=as_of
    )


async def record_stock(tx: Tx, product_id: uuid.UUID, stock: int, as_of: datetime) -> None:
    await repository.upsert_stock(tx.conn, product_id, stock=stock, as_of=as_of)


async def record_deletion(tx: Tx, product_id: uuid.UUID, as_of: datetime) -> None:
    await repository.mark_deleted(tx.conn, product_id, as_of=as_of)
