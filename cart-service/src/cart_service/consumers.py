"""Event handlers: one per event type, each translating the event into a service call.
The envelope's `occurred_at` orders events about the same product: older ones are ignored."""

from service_kit.consumer import Handlers
from service_kit.pg import Tx
from shop_contracts import Envelope
from shop_contracts.events import (
    OrderCreated,
    ProductCreated,
    ProductDeleted,
    ProductUpdated,
    StockUpdated,
)

from cart_service import service

handlers = Handlers()


async def _record_catalog(
    tx: Tx, event: ProductCreated | ProductUpdated, envelope: Envelope
) -> None:
    await service.record_product(
        tx,
        event.product_id,
        name=event.name,
        price_cents=event.price_cents,
        currency=event.currency,
        as_of=envelope.occurred_at,
    )


@handlers.on(ProductCreated)
async def product_created(tx: Tx, event: ProductCreated, envelope: Envelope) -> None:
    await _record_catalog(tx, event, envelope)
    await service.record_stock(tx, event.product_id, event.stock, envelope.occurred_at)


@handlers.on(ProductUpdated)
async def product_updated(tx: Tx, event: ProductUpdated, envelope: Envelope) -> None:
    await _record_catalog(tx, event, envelope)


@handlers.on(ProductDeleted)
async def product_deleted(tx: Tx, event: ProductDeleted, envelope: Envelope) -> None:
    await service.record_deletion(tx, event.product_id, envelope.occurred_at)


@handlers.on(StockUpdated)
async def stock_updated(tx: Tx, event: StockUpdated, envelope: Envelope) -> None:
    await service.record_stock(tx, event.product_id, event.stock, envelope.occurred_at)


@handlers.on(OrderCreated)
async def order_created(tx: Tx, event: OrderCreated, envelope: Envelope) -> None:
    await service.order_placed(tx, event.user_id, envelope.occurred_at)
