"""Event entry points: one function per event type, translating to a lifecycle use case.
Each runs in the kit's transaction together with the event's inbox row."""

from service_kit.consumer import Handlers
from shop_contracts import Envelope
from shop_contracts.events import (
    PaymentFailed,
    PaymentRefunded,
    PaymentSucceeded,
    StockInsufficient,
)
from sqlalchemy.ext.asyncio import AsyncSession

from order_service.service import lifecycle

handlers = Handlers()


@handlers.on(PaymentSucceeded)
async def on_payment_succeeded(session: AsyncSession, event: PaymentSucceeded, _: Envelope) -> None:
    await lifecycle.payment_succeeded(session, event)


@handlers.on(PaymentFailed)
async def on_payment_failed(session: AsyncSession, event: PaymentFailed, _: Envelope) -> None:
    await lifecycle.payment_failed(session, event)


@handlers.on(PaymentRefunded)
async def on_payment_refunded(session: AsyncSession, event: PaymentRefunded, _: Envelope) -> None:
    await lifecycle.payment_refunded(session, event)


@handlers.on(StockInsufficient)
async def on_stock_insufficient(
    session: AsyncSession, event: StockInsufficient, _: Envelope
) -> None:
    await lifecycle.stock_insufficient(session, event)
