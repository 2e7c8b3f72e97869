"""The analytics service's app: its routes and its event handlers; the kit does the rest."""

from fastapi import FastAPI
from service_kit.app import create_service_app

from analytics_service.config import AnalyticsSettings, get_settings
from analytics_service.consumers import handlers
from analytics_service.routes import router


def create_app(settings: AnalyticsSettings | None = None) -> FastAPI:
    settings = settings or get_settings()
    return create_service_app(
        settings,
        title="analytics-service",
        description="Every event kept once; sales figures, top products and abandoned carts.",
        routers=[router],
        handlers=handlers,
        publishes=False,
    )
