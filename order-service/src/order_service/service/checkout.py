"""Checkout: the caller's cart becomes a PENDING order and an order.created event, once per
Idempotency-Key, and once per revision of the cart.

The key is looked up first, so a retry returns the order without asking the cart again (which
the order.created event empties). A new key is claimed with an INSERT into its primary key in
the statement that writes the order: a concurrent request with the same key waits on that
insert, then finds the key taken and returns the winner's order. A refused checkout (empty
cart, short stock) rolls back and keeps no key, so the same key can be retried after fixing
the cart.
"""

import hashlib
import uuid
from dataclasses import dataclass
from typing import Any

from service_kit.outbox import add_event
from service_kit.pg import Tx
from shop_contracts import OrderStatus
from shop_contracts.events import OrderCreated, OrderLine

from order_service import repository
from order_service.cart_client import Cart, CartReader
from order_service.errors import (
    CartAlreadyCheckedOut,
    CartBadResponse,
    EmptyCart,
    IdempotencyKeyReused,
    InsufficientStock,
    OrderNotFound,
    PriceChanged,
)
from order_service.models import utcnow
from order_service.repository import (
    CartRevisionTaken,
    IdempotencyClaim,
    Item,
    OrderDetail,
    StatusChange,
)
from order_service.schemas import CheckoutRequest


@dataclass(frozen=True)
class Placement:
    order: OrderDetail
    created: bool  # False: an earlier request with the same key placed it


def request_hash(request: CheckoutRequest) -> str:
    """A fingerprint of the request body, independent of its JSON formatting. Fields left out
    are left out of it, so a body without `expected_total_cents` keeps the fingerprint it had
    before that field existed."""
    return hashlib.sha256(request.model_dump_json(exclude_none=True).encode()).hexdigest()


def shortages(cart: Cart) -> list[dict[str, Any]]:
    """What stops the cart being bought as it is, as error details."""
    details: list[dict[str, Any]] = []
    for problem in cart.problems:
        available = problem.available or 0
        if problem.code == "insufficient_stock":
            message = f"{problem.quantity} in the cart, {available} in stock"
        else:
            message = "no longer sold"
        details.append(
            {
                "field": "items",
                "type": problem.code,
                "message": f"Product {problem.product_id}: {message}.",
                "product_id": str(problem.product_id),
                "requested": problem.quantity,
                "available": available,
            }
        )
    return details


def checkout_lines(cart: Cart) -> list[Item]:
    """The cart's lines as order items (name and price snapshots), if it can be bought."""
    if not cart.ready or cart.problems:
        raise InsufficientStock(details=shortages(cart))
    if not cart.items:
        raise EmptyCart()
    return [
        Item(
            position=position,
            product_id=line.product_id,
            name=line.name,
            unit_price_cents=line.unit_price_cents,
            quantity=line.quantity,
        )
        for position, line in enumerate(cart.items)
    ]


async def _replay(tx: Tx, claim: IdempotencyClaim, fingerprint: str) -> Placement:
    if claim.request_hash != fingerprint:
        raise IdempotencyKeyReused()
    order = await repository.get_order(tx.conn, claim.order_id)
    if order is None:  # the key's foreign key cascades, so only a concurrent deletion
        raise OrderNotFound()
    return Placement(order, created=False)


async def place_order(
    tx: Tx,
    carts: CartReader,
    *,
    user_id: uuid.UUID,
    authorization: str,
    idempotency_key: str,
    request: CheckoutRequest,
    default_currency: str,
) -> Placement:
    fingerprint = request_hash(request)
    earlier = await repository.find_idempotency_key(tx.conn, user_id, idempotency_key)
    if earlier is not None:
        return await _replay(tx, earlier, fingerprint)

    cart = await carts.cart_of(authorization)
    if cart.user_id != user_id:
        raise CartBadResponse()
    items = checkout_lines(cart)
    if cart.revision is None:  # lines without a cart
        raise CartBadResponse()
    total_cents = sum(item.unit_price_cents * item.quantity for item in items)
    currency = cart.currency or default_currency
    expected = request.expected_total_cents
    if expected is not None and expected != total_cents:
        raise PriceChanged(
            expected_total_cents=expected, total_cents=total_cents, currency=currency
        )

    now = utcnow()
    order = OrderDetail(
        id=uuid.uuid4(),
        user_id=user_id,
        status=OrderStatus.PENDING,
        total_cents=total_cents,
        currency=currency,
        payment_method=request.payment_method,
        shipping_address=request.shipping_address.model_dump(mode="json"),
        created_at=now,
        updated_at=now,
        cart_revision=cart.revision,
        items=items,
        history=[StatusChange(OrderStatus.PENDING, now)],
    )
    try:
        placed = await repository.place_order(
            tx.conn, order, key=idempotency_key, request_hash=fingerprint
        )
    except CartRevisionTaken:
        raise CartAlreadyCheckedOut() from None
    if not placed:
        # A concurrent request with this key committed its order while we were checking.
        winner = await repository.find_idempotency_key(tx.conn, user_id, idempotency_key)
        assert winner is not None, "a taken key is committed"
        return await _replay(tx, winner, fingerprint)
    await add_event(
        tx,
        OrderCreated(
            order_id=order.id,
            user_id=user_id,
            items=[
                OrderLine(
                    product_id=item.product_id,
                    name=item.name,
                    quantity=item.quantity,
                    unit_price_cents=item.unit_price_cents,
                )
                for item in items
            ],
            total_cents=order.total_cents,
            currency=order.currency,
            payment_method=order.payment_method,
        ),
    )
    return Placement(order, created=True)
