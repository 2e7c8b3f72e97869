"""Test data: products arrive the way they do in production, as product.created events through
the service's own handlers; helpers read back the ledger and the outbox."""

import uuid
from collections.abc import Sequence
from typing import Any, TypeVar

from inventory_service.config import InventorySettings
from inventory_service.consumers import handlers
from service_kit.consumer import handle_event
from service_kit.pg import Database
from service_kit.testing import test_database
from shop_contracts import Envelope, Event
from shop_contracts.events import OrderLine, PaymentSucceeded, ProductCreated, ProductDeleted
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

E = TypeVar("E", bound=Event)


def test_settings(**overrides: Any) -> InventorySettings:
    return InventorySettings(
        env="test",
        database_name=test_database("inventory"),
        # Tokens come from the test's TokenMinter, whose keys are installed in the verifier;
        # nothing is fetched over HTTP (a token naming an unknown key tries this closed port).
        jwks_url="http://127.0.0.1:9/api/auth/.well-known/jwks.json",
        **overrides,
    )


def product_created(stock: int = 10, product_id: uuid.UUID | None = None) -> ProductCreated:
    return ProductCreated(
        product_id=product_id or uuid.uuid4(),
        name="Trail shoe",
        price_cents=8900,
        category="shoes",
        stock=stock,
    )


def product_deleted(product_id: uuid.UUID) -> ProductDeleted:
    return ProductDeleted(product_id=product_id)


def order_line(product_id: uuid.UUID, quantity: int) -> OrderLine:
    return OrderLine(
        product_id=product_id, name="Trail shoe", quantity=quantity, unit_price_cents=8900
    )


def payment_succeeded(
    lines: Sequence[tuple[uuid.UUID, int]], order_id: uuid.UUID | None = None
) -> PaymentSucceeded:
    return PaymentSucceeded(
        payment_id=uuid.uuid4(),
        order_id=order_id or uuid.uuid4(),
        user_id=uuid.uuid4(),
        amount_cents=100,
        brand="visa",
        last4="4242",
        items=[order_line(p, q) for p, q in lines],
    )


def envelope(event: Event, producer: str = "product-service") -> Envelope:
    return Envelope.wrap(event, producer=producer)


class InventoryFactory:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], database: Database) -> None:
        self.sessions = sessions
        self.database = database

    async def deliver(self, event: Event | Envelope) -> bool:
        """Hand an event to the service's handlers, as the consumer does."""
        env = event if isinstance(event, Envelope) else envelope(event)
        return await handle_event(self.database, handlers, env)

    async def product(self, stock: int = 10) -> uuid.UUID:
        event = product_created(stock=stock)
        assert await self.deliver(event)
        return event.product_id

    async def ledger(self, product_id: uuid.UUID) -> list[dict[str, Any]]:
        async with self.sessions() as session:
            rows = await session.execute(
                text(
                    "SELECT delta, stock_after, reason, order_id, actor_id, note "
                    "FROM stock_movements WHERE product_id = :p ORDER BY id"
                ),
                {"p": product_id},
            )
            return [dict(row._mapping) for row in rows]

    async def stock(self, product_id: uuid.UUID) -> int | None:
        async with self.sessions() as session:
            value: int | None = await session.scalar(
                text("SELECT stock FROM stock_items WHERE product_id = :p"), {"p": product_id}
            )
            return value

    async def outbox(self, model: type[E], **match: Any) -> list[E]:
        """Events of one type staged in the outbox, each validated against its model, in the
        order they were written; `match` filters on data fields."""
        async with self.sessions() as session:
            rows = await session.execute(
                text("SELECT body FROM outbox WHERE routing_key = :k ORDER BY created_at, id"),
                {"k": model.TYPE},
            )
            bodies = [row.body for row in rows]
        found = []
        for body in bodies:
            env = Envelope.model_validate_json(body)
            assert env.type == model.TYPE and env.producer == "inventory-service"
            event = model.model_validate(env.data)
            if all(str(getattr(event, k)) == str(v) for k, v in match.items()):
                found.append(event)
        return found
