"""Test data: events as the other services publish them, each at a chosen time, handed to the
service's handlers the way its consumer does (or published to the broker)."""

import random
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from analytics_service.config import AnalyticsSettings
from analytics_service.consumers import handlers
from analytics_service.rebuild import rebuild
from analytics_service.repository.rebuild import DERIVED_TABLES
from service_kit.consumer import handle_event
from service_kit.pg import Database
from service_kit.testing import test_database
from shop_contracts import Envelope, Event
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
    ProductUpdated,
)

PRODUCERS = {"order": "order-service", "payment": "payment-service", "product": "product-service"}


def test_settings(**overrides: Any) -> AnalyticsSettings:
    return AnalyticsSettings(
        env="test",
        database_name=test_database("analytics"),
        jwks_url="http://127.0.0.1:9/api/auth/.well-known/jwks.json",
        **overrides,
    )


def window() -> datetime:
    """The start of a UTC day of the test's own, far from every other test's (and from now)."""
    day = random.Random(uuid.uuid4().int).randrange(365 * 40)
    return datetime(1980, 1, 1, tzinfo=UTC) + timedelta(days=day)


def envelope(event: Event, at: datetime) -> Envelope:
    producer = PRODUCERS.get(event.TYPE.split(".")[0], "cart-service")
    return Envelope.wrap(event, producer=producer).model_copy(update={"occurred_at": at})


def line(
    product_id: uuid.UUID, quantity: int, unit_price_cents: int, name: str = "Lamp"
) -> OrderLine:
    return OrderLine(
        product_id=product_id, name=name, quantity=quantity, unit_price_cents=unit_price_cents
    )


class Order:
    """The events of one order, for a test to deliver in whatever order it likes."""

    def __init__(self, lines: list[OrderLine], user_id: uuid.UUID | None = None) -> None:
        self.order_id = uuid.uuid4()
        self.user_id = user_id or uuid.uuid4()
        self.payment_id = uuid.uuid4()
        self.lines = lines
        self.total = sum(x.quantity * x.unit_price_cents for x in lines)

    def created(self) -> OrderCreated:
        return OrderCreated(
            order_id=self.order_id,
            user_id=self.user_id,
            items=self.lines,
            total_cents=self.total,
            payment_method="pm_card_visa",
        )

    def paid(self) -> PaymentSucceeded:
        return PaymentSucceeded(
            payment_id=self.payment_id,
            order_id=self.order_id,
            user_id=self.user_id,
            amount_cents=self.total,
            brand="visa",
            last4="4242",
            items=self.lines,
        )

    def order_paid(self) -> OrderPaid:
        return OrderPaid(order_id=self.order_id, user_id=self.user_id, total_cents=self.total)

    def declined(self) -> PaymentFailed:
        return PaymentFailed(
            payment_id=self.payment_id,
            order_id=self.order_id,
            user_id=self.user_id,
            amount_cents=self.total,
            reason="card_declined",
        )

    def refunded(self) -> PaymentRefunded:
        return PaymentRefunded(
            payment_id=self.payment_id,
            order_id=self.order_id,
            amount_cents=self.total,
            reason="out_of_stock",
        )

    def cancelled(self, reason: str = "customer") -> OrderCancelled:
        return OrderCancelled(
            order_id=self.order_id, user_id=self.user_id, total_cents=self.total, reason=reason
        )


def product(product_id: uuid.UUID, name: str, *, updated: bool = False) -> Event:
    model = ProductUpdated if updated else ProductCreated
    return model(product_id=product_id, name=name, price_cents=100, category="lighting")


def cart(user_id: uuid.UUID, lines: list[tuple[uuid.UUID, int, int]]) -> CartUpdated:
    return CartUpdated(
        user_id=user_id,
        items=[CartLine(product_id=p, quantity=q, unit_price_cents=c) for p, q, c in lines],
        total_cents=sum(q * c for _, q, c in lines),
    )


class Shop:
    def __init__(self, database: Database) -> None:
        self.database = database

    async def deliver(self, event: Event | Envelope, at: datetime | None = None) -> bool:
        """Hand an event to the service's handlers, as the consumer does."""
        env = event if isinstance(event, Envelope) else envelope(event, at or datetime.now(UTC))
        return await handle_event(self.database, handlers, env)

    async def derived(self) -> dict[str, list[tuple[Any, ...]]]:
        """Every derived table's rows, sorted; roll-up rows whose counters are all zero (what
        a retracted contribution leaves live) are left out."""
        tables: dict[str, list[tuple[Any, ...]]] = {}
        async with self.database.connection() as conn:
            for table in DERIVED_TABLES:
                rows = [tuple(r.values()) for r in await conn.fetch(f"SELECT * FROM {table}")]
                if table in ("sales_hours", "customer_hours", "product_sales"):
                    rows = [r for r in rows if any(r[1 if table != "customer_hours" else 2 :])]
                tables[table] = sorted(rows, key=repr)
        return tables

    async def rebuild(self) -> None:
        async with self.database.pool.acquire() as conn:
            await rebuild(conn)
