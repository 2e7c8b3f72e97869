"""The product service: the catalog, its search, and a stock read model."""

import gc

from fastapi import FastAPI
from service_kit.app import KitState, create_service_app

from product_service.config import ProductSettings, get_settings
from product_service.consumers import handlers
from product_service.dependencies import READ_ENGINE, SEARCH_CACHE
from product_service.routes import router
from product_service.search_cache import SearchCache

GC_YOUNG_THRESHOLD = 10_000  # allocations between young collections (CPython's default: 700)


def create_app(settings: ProductSettings | None = None) -> FastAPI:
    settings = settings or get_settings()

    async def start_read_path(kit: KitState) -> None:
        assert kit.engine is not None
        kit.extra[READ_ENGINE] = kit.engine.execution_options(isolation_level="AUTOCOMMIT")
        kit.extra[SEARCH_CACHE] = SearchCache(
            settings.search_cache_seconds, settings.search_cache_entries
        )

    async def tune_garbage_collector(_: KitState) -> None:
        """What exists once started (settings, metadata, pools) lives as long as the process:
        keep it out of every collection, and collect young objects less often. At 16
        connections this took a product page's p99 from ~110 ms to ~40 ms (full collections
        had walked every object of SQLAlchemy and FastAPI)."""
        gc.collect()
        gc.freeze()
        gc.set_threshold(GC_YOUNG_THRESHOLD, *gc.get_threshold()[1:])

    return create_service_app(
        settings,
        title="product-service",
        description=(
            "The catalog: search with typo tolerance and facets, product pages and generated "
            "pictures, categories; admins add, change and remove products."
        ),
        routers=[router],
        handlers=handlers,
        on_startup=[start_read_path, tune_garbage_collector],
    )
