"""Event handlers: one per event type, each translating the event into a service call. The kit
runs each in one asyncpg transaction (a `Tx`) with its inbox row."""

from service_kit.consumer import Handlers
from service_kit.pg import Tx
from shop_contracts import Envelope
from shop_contracts.events import (
    PaymentRefunded,
    PaymentSucceeded,
    ProductCreated,
    ProductDeleted,
)

from inventory_service import service

handlers = Handlers()


@handlers.on(ProductCreated)
async def product_created(tx: Tx, event: ProductCreated, _: Envelope) -> None:
    await service.create_stock(tx, event.product_id, event.stock)


@handlers.on(ProductDeleted)
async def product_deleted(tx: Tx, event: ProductDeleted, _: Envelope) -> None:
    await service.remove_stock(tx, event.product_id)


@handlers.on(PaymentSucceeded)
async def payment_succeeded(tx: Tx, event: PaymentSucceeded, _: Envelope) -> None:
    await service.fulfil_paid_order(tx, event.order_id, event.items)


@handlers.on(PaymentRefunded)
async def payment_refunded(tx: Tx, event: PaymentRefunded, _: Envelope) -> None:
    await service.return_refunded_order(tx, event.order_id)
