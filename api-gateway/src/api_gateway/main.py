"""The gateway app: the kit's FastAPI app (docs, health, errors, request ids, metrics) with the
proxy mounted as a plain ASGI route behind the FastAPI routes, and CORS for the frontend.

Outside development (ENV other than dev or test) the public port serves no documents (neither
the gateway's nor the services' under /api/docs) and no /metrics: those are served on
METRICS_PORT, which is for the scraper and not published."""

from fastapi import FastAPI
from service_kit.app import KitState, create_service_app
from service_kit.metrics import MetricsServer
from starlette.middleware.cors import CORSMiddleware
from starlette.routing import Route

from api_gateway.config import GatewaySettings
from api_gateway.health import HealthChecker
from api_gateway.proxy import Gateway
from api_gateway.routes import docs_description, docs_router, router

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
    development = settings.development
    metrics = None if development else MetricsServer(settings.host, settings.metrics_port)

    async def start(kit: KitState) -> None:
        assert kit.verifier is not None
        await gateway.start(kit.verifier)
        if metrics is not None:
            metrics.start()

    async def stop(_: KitState) -> None:
        if metrics is not None:
            metrics.stop()
        await gateway.stop()

    app = create_service_app(
        settings,
        title="Shop API gateway",
        description=docs_description(),
        routers=[router, docs_router] if development else [router],
        database=False,
        publishes=False,
        on_startup=[start],
        on_shutdown=[stop],
        access_log=settings.access_log,
        public_docs=development,
        public_metrics=development,
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
