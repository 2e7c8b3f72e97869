"""The gateway app: the kit's FastAPI app (docs, health, errors, request ids, metrics) with the
proxy mounted as a plain ASGI route behind the FastAPI routes, and CORS for the frontend."""

from fastapi import FastAPI
from service_kit.app import KitState, create_service_app
from starlette.middleware.cors import CORSMiddleware
from starlette.routing import Route

from api_gateway.config import GatewaySettings
from api_gateway.health import HealthChecker
from api_gateway.proxy import Gateway
from api_gateway.routes import docs_description, router

CORS_HEADERS = [
    "Authorization",
    "Content-Type",
    "Idempotency-Key",
    "X-Request-Id",
    "X-Correlation-Id",
    "traceparent",
]


def create_app(settings: GatewaySettings | None = None) -> FastAPI:
    settings = settings or GatewaySettings()
    gateway = Gateway(settings)

    async def start(kit: KitState) -> None:
        assert kit.verifier is not None
        await gateway.start(kit.verifier)

    async def stop(_: KitState) -> None:
        await gateway.stop()

    app = create_service_app(
        settings,
        title="Shop API gateway",
        description=docs_description(),
        routers=[router],
        database=False,
        publishes=False,
        on_startup=[start],
        on_shutdown=[stop],
        access_log=settings.access_log,
    )
    app.state.gateway = gateway
    app.state.health_checker = HealthChecker(
        settings.service_urls, settings.health_timeout_seconds, settings.health_cache_seconds
    )
    app.router.routes.append(Route("/api/{path:path}", gateway, include_in_schema=False))
    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.cors_origins,
        allow_credentials=True,
        allow_methods=["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"],
        allow_headers=CORS_HEADERS,
        expose_headers=["X-Request-Id", "X-Correlation-Id", "Retry-After"],
        max_age=600,
    )
    return app
