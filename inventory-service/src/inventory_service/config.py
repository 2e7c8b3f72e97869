"""Settings of the inventory service (environment variables, or a .env file)."""

from functools import lru_cache

from service_kit.config import ServiceSettings


class InventorySettings(ServiceSettings):
    service_name: str = "inventory-service"
    port: int = 8006


@lru_cache
def get_settings() -> InventorySettings:
    return InventorySettings()
