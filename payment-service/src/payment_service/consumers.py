"""Event entry points: one handler per event type, each translating and calling the service.

The kit runs each handler in one asyncpg transaction (a `Tx`) with its inbox row. The simulated
processor
latency is waited out before that transaction starts (PaymentConsumer), so a slow processor holds
no database connection or lock while it "thinks"; the switch read for it also gives the charge
its decline rate, so a charge reads the switch once.
"""

import asyncio
import logging
from contextvars import ContextVar

from aio_pika.abc import AbstractIncomingMessage, AbstractRobustConnection
from service_kit.consumer import EventConsumer, Handlers
from service_kit.pg import Database, Tx
from shop_contracts import Envelope
from shop_contracts.events import OrderCancelled, OrderCreated, StockInsufficient

from payment_service import service
from payment_service.config import PaymentSettings

log = logging.getLogger(__name__)

# The switch PaymentConsumer read before this message's transaction (None: not read).
_switch_for_charge: ContextVar[service.ProcessorSwitch | None] = ContextVar(
    "switch_for_charge", default=None
)


def build_handlers(settings: PaymentSettings) -> Handlers:
    handlers = Handlers()

    @handlers.on(OrderCreated)
    async def on_order_created(tx: Tx, event: OrderCreated, envelope: Envelope) -> None:
        switch = _switch_for_charge.get() or await service.processor_switch(tx.conn, settings)
        await service.charge_order(tx, event, decline_rate=switch.decline_rate)

    @handlers.on(StockInsufficient)
    async def on_stock_insufficient(tx: Tx, event: StockInsufficient, envelope: Envelope) -> None:
        await service.refund_order(tx, event.order_id, reason=service.OUT_OF_STOCK)

    @handlers.on(OrderCancelled)
    async def on_order_cancelled(tx: Tx, event: OrderCancelled, envelope: Envelope) -> None:
        await service.settle_cancelled_order(tx, event)

    return handlers


class PaymentConsumer(EventConsumer):
    """The kit's consumer, with the processor's latency before a charge's transaction."""

    def __init__(
        self,
        settings: PaymentSettings,
        *,
        connection: AbstractRobustConnection,
        database: Database,
        handlers: Handlers,
    ) -> None:
        super().__init__(
            service=settings.short_name,
            connection=connection,
            database=database,
            handlers=handlers,
            prefetch=settings.consumer_prefetch,
            delivery_limit=settings.consumer_delivery_limit,
        )
        self.settings = settings

    async def on_message(self, message: AbstractIncomingMessage) -> None:
        _switch_for_charge.set(None)
        if OrderCreated.TYPE in (message.routing_key, message.type):
            switch = await self._read_switch()
            _switch_for_charge.set(switch)
            delay_ms = switch.processing_delay_ms if switch else self.settings.processing_delay_ms
            if delay_ms > 0:
                await asyncio.sleep(delay_ms / 1000)
        await super().on_message(message)

    async def _read_switch(self) -> service.ProcessorSwitch | None:
        try:
            async with self.database.connection() as conn:
                return await service.processor_switch(conn, self.settings)
        except Exception:
            # The charge itself will meet the same database trouble and be retried; it reads
            # the switch in its own transaction then.
            log.warning("could not read the processor switch", exc_info=True)
            return None
