"""Test data: customers with tokens, carts in the cart stand-in, orders placed through the API,
and saga events built from the shared-contracts models."""

import asyncio
import itertools
import uuid
from dataclasses import dataclass
from typing import Any

import httpx
import jwt
from aiohttp import web
from order_service.config import OrderSettings
from order_service.consumers import handlers
from service_kit.consumer import handle_event
from service_kit.pg import Database
from service_kit.testing import TokenMinter, free_port, test_database
from shop_contracts import Envelope, Event
from shop_contracts.events import (
    OrderLine,
    PaymentFailed,
    PaymentRefunded,
    PaymentSucceeded,
    StockInsufficient,
    StockShortage,
)
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

_sequence = itertools.count(1)


def order_settings(**overrides: Any) -> OrderSettings:
    return OrderSettings(
        env="test",
        database_name=test_database("order"),
        # Tokens come from the test's minter; nothing should be fetched over HTTP.
        jwks_url="http://127.0.0.1:9/api/auth/.well-known/jwks.json",
        cart_timeout_seconds=2.0,
        **overrides,
    )


def shipping_address(**overrides: Any) -> dict[str, Any]:
    return {
        "name": "Ada Lovelace",
        "line1": "12 St James's Square",
        "city": "London",
        "postal_code": "SW1Y 4LB",
        "country": "GB",
        **overrides,
    }


def checkout_body(**overrides: Any) -> dict[str, Any]:
    return {"payment_method": "pm_card_visa", "shipping_address": shipping_address(), **overrides}


def cart_line(
    name: str | None = None,
    unit_price_cents: int = 1_000,
    quantity: int = 1,
    stock: int = 100,
    listed: bool = True,
    product_id: uuid.UUID | None = None,
) -> dict[str, Any]:
    """A line of a customer's cart, with what the cart service knows of its product."""
    return {
        "product_id": str(product_id or uuid.uuid4()),
        "name": name or f"Product {next(_sequence)}",
        "unit_price_cents": unit_price_cents,
        "quantity": quantity,
        "stock": stock,
        "listed": listed,
    }


def cart_body(
    user_id: uuid.UUID, lines: list[dict[str, Any]], revision: uuid.UUID | None = None
) -> dict[str, Any]:
    """The cart as the cart service's /internal/cart answers it (its CheckoutCartOut): only
    the lines that can be bought, and a problem for each line that cannot; a cart with lines
    has a revision (a new one unless given)."""
    items, problems = [], []
    for line in lines:
        if not line["listed"]:
            problems.append({"code": "product_unavailable", "product_id": line["product_id"]})
        elif line["quantity"] > line["stock"]:
            problems.append(
                {
                    "code": "insufficient_stock",
                    "product_id": line["product_id"],
                    "available": line["stock"],
                    "quantity": line["quantity"],
                }
            )
        else:
            items.append(
                {
                    "product_id": line["product_id"],
                    "name": line["name"],
                    "unit_price_cents": line["unit_price_cents"],
                    "quantity": line["quantity"],
                    "line_total_cents": line["unit_price_cents"] * line["quantity"],
                }
            )
    if lines and revision is None:
        revision = uuid.uuid4()
    return {
        "user_id": str(user_id),
        "revision": str(revision) if revision else None,
        "items": items,
        "item_count": sum(item["quantity"] for item in items),
        "total_cents": sum(item["line_total_cents"] for item in items),
        "currency": "USD",
        "ready": not problems,
        "problems": problems,
    }


class CartStandIn:
    """A real HTTP server in place of the cart service: the cart of the token's subject.
    Each `put` is a change of the cart, with a new revision."""

    def __init__(self) -> None:
        self.carts: dict[uuid.UUID, list[dict[str, Any]]] = {}
        self.revisions: dict[uuid.UUID, uuid.UUID] = {}
        self.delays: dict[uuid.UUID, float] = {}
        self.requests: list[dict[str, str]] = []
        self.port = free_port()
        self._runner: web.AppRunner | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/internal/cart", self._cart)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", self.port).start()

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    def put(self, user_id: uuid.UUID, lines: list[dict[str, Any]]) -> None:
        self.carts[user_id] = lines
        self.revisions[user_id] = uuid.uuid4()

    def requests_of(self, user_id: uuid.UUID) -> list[dict[str, str]]:
        return [r for r in self.requests if r.get("x-test-subject") == str(user_id)]

    async def _cart(self, request: web.Request) -> web.Response:
        authorization = request.headers.get("Authorization", "")
        if not authorization.startswith("Bearer "):
            return web.json_response(
                {"error": {"code": "not_authenticated", "message": "no token"}}, status=401
            )
        claims = jwt.decode(
            authorization.removeprefix("Bearer "), options={"verify_signature": False}
        )
        user_id = uuid.UUID(claims["sub"])
        seen = {k.lower(): v for k, v in request.headers.items()}
        seen["x-test-subject"] = str(user_id)
        self.requests.append(seen)
        if delay := self.delays.get(user_id):
            await asyncio.sleep(delay)
        lines = self.carts.get(user_id, [])
        return web.json_response(cart_body(user_id, lines, self.revisions.get(user_id)))


@dataclass
class Customer:
    user_id: uuid.UUID
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


def payment_succeeded(order: dict[str, Any], **overrides: Any) -> PaymentSucceeded:
    fields: dict[str, Any] = {
        "payment_id": uuid.uuid4(),
        "order_id": order["id"],
        "user_id": order["user_id"],
        "amount_cents": order["total_cents"],
        "currency": order["currency"],
        "brand": "visa",
        "last4": "4242",
        "items": [
            OrderLine(
                product_id=item["product_id"],
                name=item["name"],
                quantity=item["quantity"],
                unit_price_cents=item["unit_price_cents"],
            )
            for item in order["items"]
        ],
    }
    return PaymentSucceeded(**{**fields, **overrides})


def payment_failed(order: dict[str, Any], reason: str = "card_declined") -> PaymentFailed:
    return PaymentFailed(
        payment_id=uuid.uuid4(),
        order_id=order["id"],
        user_id=order["user_id"],
        amount_cents=order["total_cents"],
        reason=reason,
    )


def payment_refunded(order: dict[str, Any], reason: str = "out_of_stock") -> PaymentRefunded:
    return PaymentRefunded(
        payment_id=uuid.uuid4(),
        order_id=order["id"],
        amount_cents=order["total_cents"],
        reason=reason,
    )


def stock_insufficient(order: dict[str, Any]) -> StockInsufficient:
    item = order["items"][0]
    return StockInsufficient(
        order_id=order["id"],
        items=[
            StockShortage(product_id=item["product_id"], requested=item["quantity"], available=0)
        ],
    )


class Shop:
    def __init__(
        self,
        client: httpx.AsyncClient,
        minter: TokenMinter,
        cart: CartStandIn,
        sessions: async_sessionmaker[AsyncSession],
        database: Database,
    ) -> None:
        self.client = client
        self.minter = minter
        self.cart = cart
        self.sessions = sessions
        self.database = database

    def customer(self) -> Customer:
        user_id = uuid.uuid4()
        return Customer(user_id, self.minter.token(user_id))

    def admin(self) -> Customer:
        user_id = uuid.uuid4()
        return Customer(user_id, self.minter.token(user_id, role="admin"))

    def fill_cart(self, customer: Customer, *lines: dict[str, Any]) -> list[dict[str, Any]]:
        self.cart.put(customer.user_id, list(lines) or [cart_line()])
        return self.cart.carts[customer.user_id]

    async def checkout(
        self, customer: Customer, key: str | None = None, body: dict[str, Any] | None = None
    ) -> httpx.Response:
        headers = {**customer.headers, "Idempotency-Key": key or uuid.uuid4().hex}
        return await self.client.post("/api/orders", json=body or checkout_body(), headers=headers)

    async def place_order(
        self, customer: Customer | None = None, *lines: dict[str, Any]
    ) -> dict[str, Any]:
        customer = customer or self.customer()
        self.fill_cart(customer, *lines)
        response = await self.checkout(customer)
        assert response.status_code == 201, response.text
        order: dict[str, Any] = response.json()
        return order

    async def order(self, order_id: str) -> dict[str, Any]:
        """The order as an admin sees it."""
        response = await self.client.get(f"/api/orders/{order_id}", headers=self.admin().headers)
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    async def deliver(self, event: Event, envelope_id: uuid.UUID | None = None) -> bool:
        """Hand an event to the order service's consumer path (inbox + handler, one
        transaction), as the broker would. False if its id had been handled before."""
        envelope = Envelope.wrap(event, producer="payment-service")
        if envelope_id is not None:
            envelope = envelope.model_copy(update={"id": envelope_id})
        return await handle_event(self.database, handlers, envelope)

    async def paid_order(self, customer: Customer | None = None) -> dict[str, Any]:
        order = await self.place_order(customer)
        await self.deliver(payment_succeeded(order))
        return await self.order(order["id"])

    async def events(self, order_id: str, event_type: str | None = None) -> list[Envelope]:
        """Events about the order in the outbox, oldest first."""
        async with self.sessions() as session:
            rows = await session.execute(
                text(
                    "SELECT body FROM outbox "
                    "WHERE convert_from(body, 'UTF8')::jsonb -> 'data' ->> 'order_id' = :order_id "
                    "AND (CAST(:type AS text) IS NULL OR routing_key = :type) "
                    "ORDER BY created_at, id"
                ),
                {"order_id": str(order_id), "type": event_type},
            )
            return [Envelope.model_validate_json(row.body) for row in rows]
