"""The synthetic shop whose events bench/analytics.py stores and publishes: customers
registering, products, carts filled (a fifth of them left behind), orders paid, declined,
cancelled and refunded, stock updates, carts emptied; over the last DAYS days, reproducible
from a seed."""

import random
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta

from shop_contracts import Envelope, Event
from shop_contracts.enums import Role, StockChangeReason
from shop_contracts.events import (
    CartLine,
    CartUpdated,
    OrderCancelled,
    OrderCreated,
    OrderLine,
    OrderPaid,
    PaymentFailed,
    PaymentRefunded,
    PaymentSucceeded,
    ProductCreated,
    StockUpdated,
    UserRegistered,
)

DAYS = 120
PRODUCTS = 2_000


def shop_events(seed: int, now: datetime) -> Iterator[Envelope]:
    """An endless, reproducible stream of a shop's events, oldest first within each order."""
    rng = random.Random(seed)
    start = now - timedelta(days=DAYS)

    def wrap(event: Event, at: datetime, producer: str) -> Envelope:
        return Envelope.wrap(event, producer=producer).model_copy(update={"occurred_at": at})

    products = []
    for n in range(PRODUCTS):
        product = ProductCreated(
            product_id=uuid.UUID(int=rng.getrandbits(128)),
            name=f"Product {n}",
            price_cents=rng.randrange(500, 20_000),
            category=rng.choice(["audio", "home", "kitchen", "sports", "books"]),
            stock=1_000,
        )
        products.append(product)
        yield wrap(product, start, "product-service")
    users: list[uuid.UUID] = []
    while True:
        at = start + timedelta(seconds=rng.randrange(DAYS * 86_400))
        if not users or rng.random() < 0.15:
            user = uuid.UUID(int=rng.getrandbits(128))
            users.append(user)
            yield wrap(
                UserRegistered(
                    user_id=user, username=user.hex[:12], email="x@example.com", role=Role.CUSTOMER
                ),
                at,
                "auth-service",
            )
        user = rng.choice(users)
        chosen = rng.sample(products, rng.choice([1, 1, 2, 3]))
        lines = [
            OrderLine(
                product_id=p.product_id,
                name=p.name,
                quantity=rng.choice([1, 1, 2]),
                unit_price_cents=p.price_cents,
            )
            for p in chosen
        ]
        cart = [
            CartLine(
                product_id=x.product_id, quantity=x.quantity, unit_price_cents=x.unit_price_cents
            )
            for x in lines
        ]
        total = sum(x.quantity * x.unit_price_cents for x in lines)
        yield wrap(CartUpdated(user_id=user, items=cart, total_cents=total), at, "cart-service")
        if rng.random() < 0.2:  # abandoned
            continue
        order_id, payment_id = uuid.uuid4(), uuid.uuid4()
        placed = at + timedelta(minutes=rng.randrange(1, 30))
        later = placed + timedelta(seconds=1)
        yield wrap(
            OrderCreated(
                order_id=order_id,
                user_id=user,
                items=lines,
                total_cents=total,
                payment_method="pm_card_visa",
            ),
            placed,
            "order-service",
        )
        yield wrap(CartUpdated(user_id=user, items=[], total_cents=0), later, "cart-service")
        fate = rng.random()
        if fate < 0.08:
            yield wrap(
                PaymentFailed(
                    payment_id=payment_id,
                    order_id=order_id,
                    user_id=user,
                    amount_cents=total,
                    reason="card_declined",
                ),
                later,
                "payment-service",
            )
            yield wrap(
                OrderCancelled(
                    order_id=order_id, user_id=user, total_cents=total, reason="card_declined"
                ),
                later,
                "order-service",
            )
            continue
        if fate < 0.12:
            yield wrap(
                OrderCancelled(
                    order_id=order_id, user_id=user, total_cents=total, reason="customer"
                ),
                later,
                "order-service",
            )
            continue
        yield wrap(
            PaymentSucceeded(
                payment_id=payment_id,
                order_id=order_id,
                user_id=user,
                amount_cents=total,
                brand="visa",
                last4="4242",
                items=lines,
            ),
            later,
            "payment-service",
        )
        yield wrap(
            OrderPaid(order_id=order_id, user_id=user, total_cents=total), later, "order-service"
        )
        for x in lines:
            yield wrap(
                StockUpdated(
                    product_id=x.product_id,
                    stock=500,
                    delta=-x.quantity,
                    reason=StockChangeReason.ORDER,
                    order_id=order_id,
                ),
                later,
                "inventory-service",
            )
        if fate < 0.15:
            yield wrap(
                PaymentRefunded(
                    payment_id=payment_id,
                    order_id=order_id,
                    amount_cents=total,
                    reason="out_of_stock",
                ),
                later,
                "payment-service",
            )
            yield wrap(
                OrderCancelled(
                    order_id=order_id, user_id=user, total_cents=total, reason="out_of_stock"
                ),
                later,
                "order-service",
            )
