"""The product service: the catalog, its search, and a stock read model."""

from fastapi import FastAPI
from service_kit.app import KitState, create_service_app

from product_service.config import ProductSettings, get_settings
from product_service.consumers import handlers
from product_service.dependencies import SEARCH_CACHE, SEARCH_INDEX
from product_service.routes import router
from product_service.search.cache import SESSION_INFO_KEY, SearchCache
from product_service.search.live import INFO_KEY, LiveSearchIndex


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
        # cache and the index, to invalidate or refresh them once its changes are committed.
        shared: dict[str, object] = {SESSION_INFO_KEY: cache}
        assert kit.database is not None
        index = LiveSearchIndex(settings.database_dsn, kit.database.pool)
        index.start()
        kit.extra[SEARCH_INDEX] = shared[INFO_KEY] = index
        # Not ready (/ready) until the first build of the index is done.
        kit.readiness["search_index"] = lambda: index.ready
        kit.sessions.configure(info={**kit.sessions.kw.get("info", {}), **shared})
        kit.database.info.update(shared)

    async def stop_read_path(kit: KitState) -> None:
        index = kit.extra.get(SEARCH_INDEX)
        if isinstance(index, LiveSearchIndex):
            await index.stop()

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
        on_shutdown=[stop_read_path],
    )
