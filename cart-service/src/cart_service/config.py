"""Settings of the cart service (environment variables, or a .env file)."""

from functools import lru_cache

from service_kit.config import ServiceSettings


class CartSettings(ServiceSettings):
    service_name: str = "cart-service"
    port: int = 8003


@lru_cache
def get_settings() -> CartSettings:
    return CartSettings()
