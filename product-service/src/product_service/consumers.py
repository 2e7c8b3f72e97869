"""Events the product service follows: one function per event type, translating it into a call
of the service. The kit runs each in its own transaction with the inbox row, so a duplicate
(same event id) is skipped before it gets here."""

from service_kit.consumer import Handlers
from service_kit.pg import Tx
from shop_contracts import Envelope
from shop_contracts.events import StockUpdated

from product_service import service

handlers = Handlers()


@handlers.on(StockUpdated)
async def on_stock_updated(tx: Tx, event: StockUpdated, envelope: Envelope) -> None:
    await service.apply_stock_level(tx, event.product_id, event.stock, envelope.occurred_at)
