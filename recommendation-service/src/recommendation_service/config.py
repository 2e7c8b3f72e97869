"""Settings of the recommendation service (environment variables, or a .env file).

Without GEMINI_API_KEY (the default) every answer comes from the local recommender and the
local description writer; with it, Gemini re-ranks the local candidates and writes the copy."""

from functools import lru_cache

from pydantic import SecretStr
from service_kit.config import ServiceSettings


class RecommendationSettings(ServiceSettings):
    service_name: str = "recommendation-service"
    port: int = 8007

    gemini_api_key: SecretStr | None = None
    gemini_model: str = "gemini-2.5-flash"
    # None: Google's endpoint. Tests point it at a local server.
    gemini_base_url: str | None = None
    # Pinned: the SDK's default API version changed between majors. v1beta has structured
    # output (response_schema).
    gemini_api_version: str = "v1beta"
    gemini_timeout_ms: int = 2500
    gemini_calls_per_minute: int = 60
    gemini_cache_size: int = 10_000
    gemini_cache_seconds: int = 3600

    # The recommender's model is rebuilt in the background when the catalog or the paid orders
    # changed: at most this often, and at the latest this long after a change.
    recommender_refresh_seconds: float = 5.0
    # Neighbours kept per product in the model (the candidates a request picks from).
    recommender_neighbours: int = 50


@lru_cache
def get_settings() -> RecommendationSettings:
    return RecommendationSettings()
