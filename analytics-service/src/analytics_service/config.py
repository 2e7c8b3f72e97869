"""Settings of the analytics service (environment variables, or a .env file)."""

from functools import lru_cache

from service_kit.config import ServiceSettings


class AnalyticsSettings(ServiceSettings):
    service_name: str = "analytics-service"
    port: int = 8008


@lru_cache
def get_settings() -> AnalyticsSettings:
    return AnalyticsSettings()
