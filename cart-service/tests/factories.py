"""Test data: products arrive the way they do in production, as events through the service's
own handlers; shoppers are users with tokens from the test's TokenMinter."""

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

import httpx
from cart_service.config import CartSettings
from cart_service.consumers import handlers
from service_kit.consumer import handle_event
from service_kit.pg import Database
from service_kit.testing import TokenMinter, test_database
from shop_contracts import Envelope, Event
from shop_contracts.events import (
    OrderCreated,
    OrderLine,
    ProductCreated,
    ProductDeleted,
    ProductUpdated,
    StockUpdated,
)
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

E = TypeVar("E", bound=Event)


def test_settings(**overrides: Any) -> CartSettings:
    return CartSettings(
        env="test",
        database_name=test_database("cart"),
        # Tokens come from the test's TokenMinter, whose keys are installed in the verifier;
        # nothing is fetched over HTTP (a token naming an unknown key tries this closed port).
        jwks_url="http://127.0.0.1:9/api/auth/.well-known/jwks.json",
        **overrides,
    )


def product_created(
    price_cents: int = 1500, stock: int = 10, product_id: uuid.UUID | None = None, **extra: Any
) -> ProductCreated:
    return ProductCreated(
        product_id=product_id or uuid.uuid4(),
        name=extra.pop("name", "Rain jacket"),
        price_cents=price_cents,
        category="outdoor",
        stock=stock,
        **extra,
    )


def product_updated(
    product_id: uuid.UUID, price_cents: int, name: str = "Rain jacket"
) -> ProductUpdated:
    return ProductUpdated(
        product_id=product_id, name=name, price_cents=price_cents, category="outdoor"
    )


def stock_updated(product_id: uuid.UUID, stock: int, delta: int = -1) -> StockUpdated:
    return StockUpdated(product_id=product_id, stock=stock, delta=delta, reason="admin")


def product_deleted(product_id: uuid.UUID) -> ProductDeleted:
    return ProductDeleted(product_id=product_id)


def order_created(user_id: uuid.UUID, lines: list[tuple[uuid.UUID, int]]) -> OrderCreated:
    return OrderCreated(
        order_id=uuid.uuid4(),
        user_id=user_id,
        items=[
            OrderLine(product_id=p, name="Rain jacket", quantity=q, unit_price_cents=1500)
            for p, q in lines
        ],
        total_cents=1500 * sum(q for _, q in lines),
        payment_method="pm_card_visa",
    )


_PRODUCERS = {"stock.updated": "inventory-service", "order.created": "order-service"}


def envelope(event: Event, occurred_at: datetime | None = None) -> Envelope:
    env = Envelope.wrap(event, producer=_PRODUCERS.get(event.TYPE, "product-service"))
    if occurred_at is not None:
        env = env.model_copy(update={"occurred_at": occurred_at})
    return env


@dataclass
class Shopper:
    user_id: uuid.UUID
    headers: dict[str, str]


class CartFactory:
    def __init__(
        self,
        client: httpx.AsyncClient,
        sessions: async_sessionmaker[AsyncSession],
        minter: TokenMinter,
        database: Database,
    ) -> None:
        self.client = client
        self.sessions = sessions
        self.minter = minter
        self.database = database

    async def deliver(self, event: Event | Envelope) -> bool:
        """Hand an event to the service's handlers, as the consumer does."""
        env = event if isinstance(event, Envelope) else envelope(event)
        return await handle_event(self.database, handlers, env)

    async def product(self, price_cents: int = 1500, stock: int = 10, **extra: Any) -> uuid.UUID:
        event = product_created(price_cents=price_cents, stock=stock, **extra)
        assert await self.deliver(event)
        return event.product_id

    def shopper(self) -> Shopper:
        user_id = uuid.uuid4()
        return Shopper(user_id, self.minter.headers(user_id))

    async def add(
        self, shopper: Shopper, product_id: uuid.UUID, quantity: int = 1
    ) -> dict[str, Any]:
        response = await self.client.post(
            "/api/cart/items",
            json={"product_id": str(product_id), "quantity": quantity},
            headers=shopper.headers,
        )
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    async def cart(self, shopper: Shopper) -> dict[str, Any]:
        response = await self.client.get("/api/cart", headers=shopper.headers)
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    async def outbox(self, model: type[E], **match: Any) -> list[E]:
        """Events of one type staged in the outbox, each validated against its model;
        `match` filters on data fields."""
        async with self.sessions() as session:
            rows = await session.execute(
                text("SELECT body FROM outbox WHERE routing_key = :k ORDER BY created_at"),
                {"k": model.TYPE},
            )
            bodies = [row.body for row in rows]
        found = []
        for body in bodies:
            env = Envelope.model_validate_json(body)
            assert env.type == model.TYPE and env.producer == "cart-service"
            event = model.model_validate(env.data)
            if all(str(getattr(event, k)) == str(v) for k, v in match.items()):
                found.append(event)
        return found
