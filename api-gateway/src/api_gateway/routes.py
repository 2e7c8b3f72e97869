"""The gateway's own FastAPI routes: the fleet's health, and (in development only) the services'
API documents, which list their /internal routes too."""

from typing import Annotated, Literal

import aiohttp
from fastapi import APIRouter, Depends, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from pydantic import BaseModel
from service_kit.app import KitState
from starlette.responses import Response

from api_gateway.config import SERVICES, GatewaySettings
from api_gateway.errors import BadGateway, UnknownService, UpstreamTimeout, UpstreamUnavailable
from api_gateway.health import HealthChecker, State

router = APIRouter(prefix="/api", tags=["gateway"])
docs_router = APIRouter(prefix="/api", tags=["gateway"])


def _kit(request: Request) -> KitState:
    kit: KitState = request.app.state.kit
    return kit


def _http(request: Request) -> aiohttp.ClientSession:
    http = _kit(request).http
    assert http is not None
    return http


def _checker(request: Request) -> HealthChecker:
    checker: HealthChecker = request.app.state.health_checker
    return checker


HttpDep = Annotated[aiohttp.ClientSession, Depends(_http)]
CheckerDep = Annotated[HealthChecker, Depends(_checker)]


class HealthReport(BaseModel):
    status: Literal["ok", "degraded"]
    services: dict[str, State]


@router.get("/health", summary="Whether every service is ready")
async def health(http: HttpDep, checker: CheckerDep) -> HealthReport:
    services = await checker.check(http)
    status: Literal["ok", "degraded"] = (
        "ok" if all(s == "up" for s in services.values()) else "degraded"
    )
    return HealthReport(status=status, services=services)


def _service_url(request: Request, service: str) -> str:
    settings = _kit(request).settings
    assert isinstance(settings, GatewaySettings)
    if service not in SERVICES:
        raise UnknownService(service)
    return settings.service_urls[service]


@docs_router.get(
    "/docs/{service}/openapi.json",
    summary="A service's OpenAPI document",
    responses={404: {"description": "No such service"}, 503: {"description": "Service down"}},
)
async def service_openapi(service: str, request: Request, http: HttpDep) -> Response:
    base = _service_url(request, service)
    try:
        async with http.get(f"{base}/openapi.json", timeout=aiohttp.ClientTimeout(5)) as resp:
            if resp.status != 200:
                raise BadGateway(service)
            body = await resp.read()
    except aiohttp.ClientConnectorError:
        raise UpstreamUnavailable(service) from None
    except TimeoutError:
        raise UpstreamTimeout(service) from None
    except aiohttp.ClientError:
        raise BadGateway(service) from None
    return Response(body, media_type="application/json")


@docs_router.get("/docs/{service}", summary="A service's interactive API documentation")
async def service_docs(service: str, request: Request) -> HTMLResponse:
    _service_url(request, service)
    return get_swagger_ui_html(
        openapi_url=f"/api/docs/{service}/openapi.json", title=f"{service} service — Shop API"
    )


def docs_description() -> str:
    lines = [
        "The single entry point of the shop. Every `/api/<area>/...` request is checked "
        "(access token, role, rate and size limits) and forwarded unchanged to the service "
        "that owns the area; the services' own documents describe those routes:",
        "",
    ]
    for service in SERVICES:
        lines.append(
            f"- **{service}**: [interactive docs](/api/docs/{service}) · "
            f"[openapi.json](/api/docs/{service}/openapi.json)"
        )
    return "\n".join(lines)
