"""Settings of the product service (environment variables, or a .env file)."""

from functools import lru_cache

from service_kit.config import ServiceSettings


class ProductSettings(ServiceSettings):
    service_name: str = "product-service"
    port: int = 8002
    # Trigram indexes: revision 0001 made the former search vocabulary's (0004 dropped it).
    postgres_extensions: tuple[str, ...] = ("pg_trgm",)

    currency: str = "USD"
    # How long a search's response may be reused (0 turns the cache off). It shows prices and
    # stock: this process's own changes clear it at once, other replicas' show after this.
    search_cache_seconds: float = 5.0
    search_cache_entries: int = 2048
    search_cache_bytes: int = 32 * 2**20  # of response bodies (a page of 20: ~15 kB)


@lru_cache
def get_settings() -> ProductSettings:
    return ProductSettings()
