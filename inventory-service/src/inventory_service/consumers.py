"""Event handlers: one per event type, each translating the event into a service call."""

from service_kit.consumer import Handlers
from shop_contracts import Envelope
from shop_contracts.events import (
    PaymentRefunded,
    PaymentSucceeded,
    ProductCreated,
    ProductDeleted,
)
from sqlalchemy.ext.asyncio import AsyncSession

from inventory_service import service

handlers = Handlers()


@handlers.on(ProductCreated)
async def product_created(session: AsyncSession, event: ProductCreated, _: Envelope) -> None:
    await service.create_stock(session, event.product_id, event.stock)


@handlers.on(ProductDeleted)
async def product_deleted(session: AsyncSession, event: ProductDeleted, _: Envelope) -> None:
    await service.remove_stock(session, event.product_id)


@handlers.on(PaymentSucceeded)
async def payment_succeeded(session: AsyncSession, event: PaymentSucceeded, _: Envelope) -> None:
    await service.fulfil_paid_order(session, event.order_id, event.items)


@handlers.on(PaymentRefunded)
async def payment_refunded(session: AsyncSession, event: PaymentRefunded, _: Envelope) -> None:
    await service.return_refunded_order(session, event.order_id)
