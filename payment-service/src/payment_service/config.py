"""Settings of the payment service (environment variables, or a .env file)."""

from functools import lru_cache

from pydantic import Field
from service_kit.config import ServiceSettings

MAX_PROCESSING_DELAY_MS = 30_000


class PaymentSettings(ServiceSettings):
    service_name: str = "payment-service"
    port: int = 8005

    # The processor's switch for demos and tests. These are the values in force until an admin
    # changes them at runtime (PUT /api/payments/processor), and again after a reset (DELETE).
    decline_rate: float = Field(
        default=0.0, ge=0.0, le=1.0, description="Share of charges declined at random"
    )
    processing_delay_ms: int = Field(
        default=0, ge=0, le=MAX_PROCESSING_DELAY_MS, description="Simulated latency of a charge"
    )


@lru_cache
def get_settings() -> PaymentSettings:
    return PaymentSettings()
