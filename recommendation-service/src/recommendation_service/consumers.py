"""Event handlers: one per event type, each translating the event into a service call. The
envelope's `occurred_at` orders events about the same product or cart: older ones are ignored.
Co-purchases count paid orders: order.created brings the items, order.paid the payment, and
order.cancelled (a refund after payment too) takes an order out again."""

from service_kit.consumer import Handlers
from service_kit.pg import Tx
from shop_contracts import Envelope
from shop_contracts.events import (
    CartUpdated,
    OrderCancelled,
    OrderCreated,
    OrderPaid,
    ProductCreated,
    ProductDeleted,
    ProductUpdated,
    StockUpdated,
)

from recommendation_service import service

handlers = Handlers()


async def _record_catalog(
    tx: Tx, event: ProductCreated | ProductUpdated, envelope: Envelope
) -> None:
    await service.record_product(
        tx,
        event.product_id,
        name=event.name,
        description=event.description,
        category=event.category,
        price_cents=event.price_cents,
        currency=event.currency,
        image_url=event.image_url,
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
    lines = [(item.product_id, item.quantity) for item in event.items]
    await service.record_order(tx, event.order_id, event.user_id, lines, envelope.occurred_at)


@handlers.on(OrderPaid)
async def order_paid(tx: Tx, event: OrderPaid, envelope: Envelope) -> None:
    await service.record_payment(tx, event.order_id, event.user_id, envelope.occurred_at)


@handlers.on(OrderCancelled)
async def order_cancelled(tx: Tx, event: OrderCancelled, envelope: Envelope) -> None:
    await service.record_cancellation(tx, event.order_id, event.user_id)


@handlers.on(CartUpdated)
async def cart_updated(tx: Tx, event: CartUpdated, envelope: Envelope) -> None:
    lines = [(item.product_id, item.quantity) for item in event.items]
    await service.record_cart(tx, event.user_id, lines, envelope.occurred_at)
