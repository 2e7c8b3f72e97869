"""Settings of the analytics service (environment variables, or a .env file)."""

from functools import lru_cache

from service_kit.config import ServiceSettings


class AnalyticsSettings(ServiceSettings):
    service_name: str = "analytics-service"
    port: int = 8008
    # Every event of the platform comes here, each a few small writes: a batch shares one
    # transaction and one commit (docs/performance.md, Analytics: ingestion).
    consumer_prefetch: int = 400
    consumer_batch_size: int = 200
    # Report answers kept until the roll-ups change (cache.py); 0 keeps none.
    report_cache_entries: int = 512


@lru_cache
def get_settings() -> AnalyticsSettings:
    return AnalyticsSettings()
