"""The recommendation service's app: its routes, its event handlers, and the recommender
(the model kept current in the background; Gemini when a key is set); the kit does the rest."""

from fastapi import FastAPI
from service_kit.app import KitState, create_service_app

from recommendation_service.config import RecommendationSettings, get_settings
from recommendation_service.consumers import handlers
from recommendation_service.gemini import Gemini, Reranker
from recommendation_service.recommender.refresher import Refresher
from recommendation_service.routes import router
from recommendation_service.service import Recommender


def create_app(settings: RecommendationSettings | None = None) -> FastAPI:
    settings = settings or get_settings()

    async def start(kit: KitState) -> None:
        assert kit.database is not None
        gemini = _gemini(settings)
        reranker = (
            Reranker(
                gemini,
                cache_size=settings.gemini_cache_size,
                cache_seconds=settings.gemini_cache_seconds,
            )
            if gemini is not None
            else None
        )
        refresher = Refresher(
            kit.database,
            interval=settings.recommender_refresh_seconds,
            neighbours=settings.recommender_neighbours,
        )
        await refresher.start()
        app.state.recommender = Recommender(refresher, gemini, reranker)

    async def stop(kit: KitState) -> None:
        recommender: Recommender | None = getattr(app.state, "recommender", None)
        if recommender is not None:
            await recommender.refresher.stop()
            if recommender.gemini is not None:
                await recommender.gemini.close()

    app = create_service_app(
        settings,
        title="recommendation-service",
        description="Related products and picks for a customer from a local recommender "
        "(content and co-purchase similarity), re-ranked by Google Gemini when a key is set; "
        "product descriptions for admins.",
        routers=[router],
        handlers=handlers,
        publishes=False,
        on_startup=[start],
        on_shutdown=[stop],
    )
    return app


def _gemini(settings: RecommendationSettings) -> Gemini | None:
    if settings.gemini_api_key is None or not settings.gemini_api_key.get_secret_value():
        return None
    return Gemini(
        api_key=settings.gemini_api_key.get_secret_value(),
        model=settings.gemini_model,
        base_url=settings.gemini_base_url,
        api_version=settings.gemini_api_version,
        timeout_ms=settings.gemini_timeout_ms,
        calls_per_minute=settings.gemini_calls_per_minute,
    )
