"""The payment service's app: its routes, and its consumer of order.created and
stock.insufficient."""

from fastapi import FastAPI
from service_kit.app import KitState, create_service_app

from payment_service.config import PaymentSettings, get_settings
from payment_service.consumers import PaymentConsumer, build_handlers
from payment_service.routes import router


def create_app(settings: PaymentSettings | None = None) -> FastAPI:
    settings = settings or get_settings()
    handlers = build_handlers(settings)

    # Started here rather than by passing `handlers` to the kit, because the consumer waits out
    # the simulated processor latency before each charge's transaction (see consumers.py). The
    # kit stops it at shutdown like its own.
    async def start_consumer(kit: KitState) -> None:
        assert kit.broker is not None
        assert kit.database is not None
        kit.consumer = PaymentConsumer(
            settings,
            connection=kit.broker,
            database=kit.database,
            handlers=handlers,
        )
        await kit.consumer.start()

    return create_service_app(
        settings,
        title="payment-service",
        description=(
            "A mock card processor: tokenises cards, charges orders once, refunds orders that "
            "ran out of stock."
        ),
        routers=[router],
        on_startup=[start_consumer],
    )
