"""The analytics service's app: its routes, its event handlers and the report cache; the kit
does the rest."""

from fastapi import FastAPI
from service_kit.app import KitState, create_service_app

from analytics_service.cache import ReportCache
from analytics_service.config import AnalyticsSettings, get_settings
from analytics_service.consumers import handlers
from analytics_service.dependencies import REPORT_CACHE
from analytics_service.routes import router


def create_app(settings: AnalyticsSettings | None = None) -> FastAPI:
    settings = settings or get_settings()

    async def start_report_cache(kit: KitState) -> None:
        cache = ReportCache(settings.database_dsn, settings.report_cache_entries)
        cache.start()
        kit.extra[REPORT_CACHE] = cache
        # The event handlers drop the answers once their transaction has committed.
        assert kit.database is not None
        kit.database.info[REPORT_CACHE] = cache

    async def stop_report_cache(kit: KitState) -> None:
        cache = kit.extra.get(REPORT_CACHE)
        if isinstance(cache, ReportCache):
            await cache.stop()

    return create_service_app(
        settings,
        title="analytics-service",
        description="Every event kept once; sales figures, top products and abandoned carts.",
        routers=[router],
        handlers=handlers,
        publishes=False,
        on_startup=[start_report_cache],
        on_shutdown=[stop_report_cache],
    )
