"""The cart service's app: its routes and its event handlers; the kit does the rest."""

from fastapi import FastAPI
from service_kit.app import create_service_app

from cart_service.config import CartSettings, get_settings
from cart_service.consumers import handlers
from cart_service.routes import internal_router, router


def create_app(settings: CartSettings | None = None) -> FastAPI:
    settings = settings or get_settings()
    return create_service_app(
        settings,
        title="cart-service",
        description="One cart per user, priced from a product read model fed by events.",
        routers=[router, internal_router],
        handlers=handlers,
    )
