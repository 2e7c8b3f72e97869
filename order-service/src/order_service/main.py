"""The order service's app: its routes, its event handlers and the cart client."""

from fastapi import FastAPI
from service_kit.app import KitState, create_service_app

from order_service.cart_client import CartClient
from order_service.config import OrderSettings, get_settings
from order_service.consumers import handlers
from order_service.dependencies import CART_CLIENT
from order_service.routes import create_router


def create_app(settings: OrderSettings | None = None) -> FastAPI:
    settings = settings or get_settings()

    async def open_cart_client(kit: KitState) -> None:
        assert kit.http is not None
        kit.extra[CART_CLIENT] = CartClient(
            kit.http, settings.cart_url, settings.cart_timeout_seconds
        )

    return create_service_app(
        settings,
        title="order-service",
        description="Checkout of the cart into orders, and the order lifecycle of the payment "
        "saga (PENDING → PAID → SHIPPED, or CANCELLED).",
        routers=[create_router(settings)],
        handlers=handlers,
        on_startup=[open_cart_client],
    )
