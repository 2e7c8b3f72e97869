"""The inventory service's app: its routes and its event handlers; the kit does the rest."""

from fastapi import FastAPI
from service_kit.app import create_service_app

from inventory_service.config import InventorySettings, get_settings
from inventory_service.consumers import handlers
from inventory_service.routes import router


def create_app(settings: InventorySettings | None = None) -> FastAPI:
    settings = settings or get_settings()
    return create_service_app(
        settings,
        title="inventory-service",
        description="Stock per product (the source of truth), its ledger, and order decrements.",
        routers=[router],
        handlers=handlers,
    )
