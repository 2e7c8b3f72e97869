"""Settings of the product service (environment variables, or a .env file)."""

from functools import lru_cache

from service_kit.config import ServiceSettings


class ProductSettings(ServiceSettings):
    service_name: str = "product-service"
    port: int = 8002
    # Trigram similarity for typo-tolerant search.
    postgres_extensions: tuple[str, ...] = ("pg_trgm",)

    currency: str = "USD"
    # How long a search's ids and facets may be reused (0 turns the cache off).
    search_cache_seconds: float = 10.0
    search_cache_entries: int = 2048


@lru_cache
def get_settings() -> ProductSettings:
    return ProductSettings()
