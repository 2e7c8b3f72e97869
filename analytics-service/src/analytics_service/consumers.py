"""Event handlers: one per event type of the platform, each translating the event into a
service call. The kit runs each in one asyncpg transaction (a `Tx`) with its inbox row."""

from service_kit.consumer import Handlers
from service_kit.pg import Tx
from shop_contracts import Envelope, Event
from shop_contracts.events import (
    CartUpdated,
    ProductCreated,
    ProductDeleted,
    ProductUpdated,
    StockInsufficient,
    StockUpdated,
    UserRegistered,
)

from analytics_service import service
from analytics_service.cache import ReportCache
from analytics_service.dependencies import REPORT_CACHE
from analytics_service.facts import ORDER_EVENTS

handlers = Handlers()


def _reports_change(tx: Tx) -> None:
    """The reports' answers are dropped once this transaction has committed (this replica at
    once; the others when PostgreSQL's notification reaches them)."""
    cache = tx.info.get(REPORT_CACHE)
    if isinstance(cache, ReportCache):
        tx.after_commit(cache.changed)


async def order_event(tx: Tx, event: Event, envelope: Envelope) -> None:
    await service.record_order_event(tx, event, envelope)
    _reports_change(tx)


for _model in ORDER_EVENTS:
    handlers.on(_model)(order_event)


@handlers.on(CartUpdated)
async def cart_updated(tx: Tx, event: CartUpdated, envelope: Envelope) -> None:
    await service.record_cart(tx, event, envelope)


async def product_named(tx: Tx, event: ProductCreated | ProductUpdated, envelope: Envelope) -> None:
    await service.record_product(tx, event, envelope)
    _reports_change(tx)


handlers.on(ProductCreated)(product_named)
handlers.on(ProductUpdated)(product_named)


async def kept_only(tx: Tx, _: Event, envelope: Envelope) -> None:
    """Kept in the events table for the record; no roll-up reads them (yet)."""
    await service.record_event(tx, envelope)


for _model in (UserRegistered, ProductDeleted, StockUpdated, StockInsufficient):
    handlers.on(_model)(kept_only)
