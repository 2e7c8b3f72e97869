"""Test data: products, orders and carts arrive the way they do in production, as events
through the service's own handlers; customers are users with tokens from the TokenMinter."""

import itertools
import uuid
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx
from fastapi import FastAPI
from recommendation_service.config import RecommendationSettings
from recommendation_service.consumers import handlers
from recommendation_service.main import create_app
from service_kit.consumer import handle_event
from service_kit.testing import TokenMinter, app_client, test_database
from shop_contracts import Envelope, Event
from shop_contracts.events import (
    CartLine,
    CartUpdated,
    OrderCancelled,
    OrderCreated,
    OrderLine,
    OrderPaid,
    ProductCreated,
    ProductDeleted,
    ProductUpdated,
    StockUpdated,
)


def test_settings(**overrides: Any) -> RecommendationSettings:
    return RecommendationSettings(
        env="test",
        database_name=test_database("recommendation"),
        # Tokens come from the test's TokenMinter, whose keys are installed in the verifier.
        jwks_url="http://127.0.0.1:9/api/auth/.well-known/jwks.json",
        recommender_refresh_seconds=overrides.pop("recommender_refresh_seconds", 0.5),
        **overrides,
    )


_names = itertools.count(1)


def product_created(
    name: str | None = None,
    category: str = "audio",
    description: str = "",
    stock: int = 10,
    product_id: uuid.UUID | None = None,
    price_cents: int = 2500,
) -> ProductCreated:
    return ProductCreated(
        product_id=product_id or uuid.uuid4(),
        name=name or f"Test product {next(_names)}",
        description=description,
        price_cents=price_cents,
        category=category,
        image_url="/img/test.svg",
        stock=stock,
    )


def product_updated(product_id: uuid.UUID, name: str, category: str = "audio") -> ProductUpdated:
    return ProductUpdated(product_id=product_id, name=name, price_cents=2600, category=category)


def product_deleted(product_id: uuid.UUID) -> ProductDeleted:
    return ProductDeleted(product_id=product_id)


def stock_updated(product_id: uuid.UUID, stock: int) -> StockUpdated:
    return StockUpdated(product_id=product_id, stock=stock, delta=-1, reason="admin")


def order_created(
    user_id: uuid.UUID, products: Sequence[uuid.UUID], order_id: uuid.UUID | None = None
) -> OrderCreated:
    return OrderCreated(
        order_id=order_id or uuid.uuid4(),
        user_id=user_id,
        items=[
            OrderLine(product_id=p, name="Item", quantity=1, unit_price_cents=2500)
            for p in products
        ],
        total_cents=2500 * len(products),
        payment_method="pm_card_visa",
    )


def order_paid(order: OrderCreated) -> OrderPaid:
    return OrderPaid(order_id=order.order_id, user_id=order.user_id, total_cents=order.total_cents)


def order_cancelled(order: OrderCreated) -> OrderCancelled:
    return OrderCancelled(
        order_id=order.order_id,
        user_id=order.user_id,
        total_cents=order.total_cents,
        reason="out_of_stock",
    )


def cart_updated(user_id: uuid.UUID, products: Sequence[uuid.UUID]) -> CartUpdated:
    return CartUpdated(
        user_id=user_id,
        items=[CartLine(product_id=p, quantity=1, unit_price_cents=2500) for p in products],
        total_cents=2500 * len(products),
    )


_PRODUCERS = {
    "stock.updated": "inventory-service",
    "cart.updated": "cart-service",
    "order.created": "order-service",
    "order.paid": "order-service",
    "order.cancelled": "order-service",
}


def envelope(event: Event, occurred_at: datetime | None = None) -> Envelope:
    env = Envelope.wrap(event, producer=_PRODUCERS.get(event.TYPE, "product-service"))
    if occurred_at is not None:
        env = env.model_copy(update={"occurred_at": occurred_at})
    return env


@dataclass
class Customer:
    user_id: uuid.UUID
    headers: dict[str, str]


class RecommendationFactory:
    def __init__(self, app: FastAPI, client: httpx.AsyncClient, minter: TokenMinter) -> None:
        self.app = app
        self.client = client
        self.minter = minter

    @property
    def database(self) -> Any:
        return self.app.state.kit.database

    async def deliver(self, event: Event | Envelope) -> bool:
        """Hand an event to the service's handlers, as the consumer does."""
        env = event if isinstance(event, Envelope) else envelope(event)
        return await handle_event(self.database, handlers, env)

    async def product(self, **fields: Any) -> uuid.UUID:
        event = product_created(**fields)
        assert await self.deliver(event)
        return event.product_id

    async def paid_order(self, user_id: uuid.UUID, products: Sequence[uuid.UUID]) -> OrderCreated:
        order = order_created(user_id, products)
        await self.deliver(order)
        await self.deliver(order_paid(order))
        return order

    def customer(self) -> Customer:
        user_id = uuid.uuid4()
        return Customer(user_id, self.minter.headers(user_id))

    async def refresh(self, app: FastAPI | None = None) -> None:
        await (app or self.app).state.recommender.refresher.refresh()

    async def related(
        self, product_id: uuid.UUID, limit: int = 4, client: httpx.AsyncClient | None = None
    ) -> dict[str, Any]:
        response = await (client or self.client).get(
            f"/api/recommendations/related/{product_id}", params={"limit": limit}
        )
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    @asynccontextmanager
    async def app_with_gemini(self, server: Any, **overrides: Any) -> AsyncIterator[Any]:
        """An app of the service with a Gemini key, talking to the fake server."""
        settings = test_settings(
            gemini_api_key="test-key",
            gemini_base_url=server.url,
            gemini_timeout_ms=overrides.pop("gemini_timeout_ms", 700),
            recommender_refresh_seconds=60,
            **overrides,
        )
        app = create_app(settings)
        async with app_client(app) as client:
            self.minter.install(app)
            yield app, client


def ids(body: dict[str, Any]) -> list[uuid.UUID]:
    return [uuid.UUID(item["product"]["id"]) for item in body["items"]]
