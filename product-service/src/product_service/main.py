"""The product service: the catalog, its search, and a stock read model."""

from fastapi import FastAPI
from service_kit.app import KitState, create_service_app

from product_service.config import ProductSettings, get_settings
from product_service.consumers import handlers
from product_service.dependencies import SEARCH_CACHE
from product_service.routes import router
from product_service.search_cache import SESSION_INFO_KEY, SearchCache


def create_app(settings: ProductSettings | None = None) -> FastAPI:
    settings = settings or get_settings()

    async def start_read_path(kit: KitState) -> None:
        assert kit.sessions is not None
        cache = SearchCache(
            settings.search_cache_seconds,
            settings.search_cache_entries,
            settings.search_cache_bytes,
        )
        kit.extra[SEARCH_CACHE] = cache
        # Every session and Tx of this process (requests and event handlers) can reach the
        # cache, to invalidate it once its changes are committed.
        info = {**kit.sessions.kw.get("info", {}), SESSION_INFO_KEY: cache}
        kit.sessions.configure(info=info)
        assert kit.database is not None
        kit.database.info[SESSION_INFO_KEY] = cache

    return create_service_app(
        settings,
        title="product-service",
        description=(
            "The catalog: search with typo tolerance and facets, product pages and generated "
            "pictures, categories; admins add, change and remove products."
        ),
        routers=[router],
        handlers=handlers,
        on_startup=[start_read_path],
    )
