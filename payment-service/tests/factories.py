"""Test data: customers and admins (tokens from the test's minter), cards tokenised through the
API as a client would, and events built from the shared-contracts models, delivered through the
kit's idempotent handler."""

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx
from payment_service.config import PaymentSettings
from service_kit.consumer import Handlers, handle_event
from service_kit.pg import Database
from service_kit.testing import TokenMinter, test_database
from shop_contracts import Envelope, Event, parse_event
from shop_contracts.events import OrderCreated, OrderLine, StockInsufficient, StockShortage
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

VISA = "4242 4242 4242 4242"
VISA_DIGITS = "4242424242424242"
MASTERCARD = "5555 5555 5555 4444"
DECLINED_CARD = "4000 0000 0000 0002"
INSUFFICIENT_FUNDS_CARD = "4000 0000 0000 9995"
AMEX = "3782 822463 10005"


def service_settings(**overrides: Any) -> PaymentSettings:
    return PaymentSettings(
        env="test",
        database_name=test_database("payment"),
        # Tokens come from the test's minter; nothing should be fetched over HTTP (a token naming
        # an unknown key makes the verifier try this closed port, and fail).
        jwks_url="http://127.0.0.1:9/api/auth/.well-known/jwks.json",
        **overrides,
    )


def card_payload(**overrides: Any) -> dict[str, Any]:
    return {
        "card_number": VISA,
        "exp_month": 12,
        "exp_year": datetime.now(UTC).year + 3,
        "cvc": "123",
        **overrides,
    }


def order_created(
    *,
    user_id: uuid.UUID,
    payment_method: str = "pm_card_visa",
    order_id: uuid.UUID | None = None,
    total_cents: int = 2_500,
    currency: str = "USD",
) -> OrderCreated:
    return OrderCreated(
        order_id=order_id or uuid.uuid4(),
        user_id=user_id,
        items=[
            OrderLine(product_id=uuid.uuid4(), name="Mug", quantity=2, unit_price_cents=750),
            OrderLine(product_id=uuid.uuid4(), name="Tea", quantity=1, unit_price_cents=1_000),
        ],
        total_cents=total_cents,
        currency=currency,
        payment_method=payment_method,
    )


def stock_insufficient(order_id: uuid.UUID) -> StockInsufficient:
    return StockInsufficient(
        order_id=order_id,
        items=[StockShortage(product_id=uuid.uuid4(), requested=2, available=1)],
    )


def envelope(event: Event, producer: str = "order-service") -> Envelope:
    """A fresh envelope (new event id) around `event`."""
    return Envelope.wrap(event, producer=producer)


@dataclass
class User:
    id: uuid.UUID
    headers: dict[str, str]


class PaymentShop:
    def __init__(
        self,
        client: httpx.AsyncClient,
        minter: TokenMinter,
        sessions: async_sessionmaker[AsyncSession],
        handlers: Handlers,
        database: Database,
    ) -> None:
        self.client = client
        self.minter = minter
        self.sessions = sessions
        self.handlers = handlers
        self.database = database

    def customer(self) -> User:
        user_id = uuid.uuid4()
        return User(user_id, self.minter.headers(user_id))

    def admin(self) -> User:
        user_id = uuid.uuid4()
        return User(user_id, self.minter.headers(user_id, role="admin"))

    async def tokenise(self, user: User, **card: Any) -> dict[str, Any]:
        response = await self.client.post(
            "/api/payments/methods", json=card_payload(**card), headers=user.headers
        )
        assert response.status_code == 201, response.text
        body: dict[str, Any] = response.json()
        return body

    async def deliver(self, message: Envelope | Event) -> bool:
        """Hand an event to the service's handlers as its consumer would (inbox included)."""
        if isinstance(message, Event):
            message = envelope(message)
        return await handle_event(self.database, self.handlers, message)

    async def charge(self, user: User, payment_method: str = "pm_card_visa") -> OrderCreated:
        order = order_created(user_id=user.id, payment_method=payment_method)
        assert await self.deliver(order)
        return order

    async def events_for(self, order_id: uuid.UUID) -> list[tuple[Envelope, Event]]:
        """The events the service staged in its outbox about one order, validated against their
        shared-contracts models, oldest first."""
        async with self.sessions() as session:
            rows = await session.execute(
                text(
                    "SELECT body FROM outbox WHERE convert_from(body, 'UTF8')::jsonb "
                    "-> 'data' ->> 'order_id' = :order_id ORDER BY created_at"
                ),
                {"order_id": str(order_id)},
            )
            return [parse_event(Envelope.model_validate_json(row.body)) for row in rows]

    async def payments_for(self, order_id: uuid.UUID) -> list[dict[str, Any]]:
        async with self.sessions() as session:
            rows = await session.execute(
                text("SELECT * FROM payments WHERE order_id = :order_id"), {"order_id": order_id}
            )
            return [dict(row._mapping) for row in rows]

    async def refunds_for(self, order_id: uuid.UUID) -> list[dict[str, Any]]:
        async with self.sessions() as session:
            rows = await session.execute(
                text(
                    "SELECT r.* FROM refunds r JOIN payments p ON p.id = r.payment_id "
                    "WHERE p.order_id = :order_id"
                ),
                {"order_id": order_id},
            )
            return [dict(row._mapping) for row in rows]

    async def set_switch(self, decline_rate: float = 0.0, processing_delay_ms: int = 0) -> None:
        response = await self.client.put(
            "/api/payments/processor",
            json={"decline_rate": decline_rate, "processing_delay_ms": processing_delay_ms},
            headers=self.admin().headers,
        )
        assert response.status_code == 200, response.text

    async def reset_switch(self) -> None:
        response = await self.client.delete("/api/payments/processor", headers=self.admin().headers)
        assert response.status_code == 200, response.text
