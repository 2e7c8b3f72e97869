"""Settings of the order service (environment variables, or a .env file)."""

from functools import lru_cache

from pydantic import Field
from service_kit.config import ServiceSettings


class OrderSettings(ServiceSettings):
    service_name: str = "order-service"
    port: int = 8004

    # The cart service, asked for the caller's cart at checkout (its /internal/cart route).
    cart_url: str = "http://127.0.0.1:8003"
    # A checkout waits at most this long for the cart before it answers 504.
    cart_timeout_seconds: float = Field(default=3.0, gt=0)

    currency: str = "USD"


@lru_cache
def get_settings() -> OrderSettings:
    return OrderSettings()
