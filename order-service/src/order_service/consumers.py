"""Event entry points: one function per event type, translating to a lifecycle use case.
Each runs in the kit's transaction on asyncpg (a `Tx`), together with the event's inbox row."""

from service_kit.consumer import Handlers
from service_kit.pg import Tx
from shop_contracts import Envelope
from shop_contracts.events import (
    PaymentFailed,
    PaymentRefunded,
    PaymentSucceeded,
    StockInsufficient,
)

from order_service.service import lifecycle

handlers = Handlers()


@handlers.on(PaymentSucceeded)
async def on_payment_succeeded(tx: Tx, event: PaymentSucceeded, _: Envelope) -> None:
    await lifecycle.payment_succeeded(tx, event)


@handlers.on(PaymentFailed)
async def on_payment_failed(tx: Tx, event: PaymentFailed, _: Envelope) -> None:
    await lifecycle.payment_failed(tx, event)


@handlers.on(PaymentRefunded)
async def on_payment_refunded(tx: Tx, event: PaymentRefunded, _: Envelope) -> None:
    await lifecycle.payment_refunded(tx, event)


@handlers.on(StockInsufficient)
async def on_stock_insufficient(tx: Tx, event: StockInsufficient, _: Envelope) -> None:
    await lifecycle.stock_insufficient(tx, event)
