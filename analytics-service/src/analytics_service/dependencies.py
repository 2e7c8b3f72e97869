"""Request dependencies: a connection for reads and the caller (the kit's), and the report
cache."""

from typing import Annotated

from fastapi import Depends, Request
from service_kit.app import KitState
from service_kit.auth import RequireAdmin
from service_kit.pg import ConnectionDep

from analytics_service.cache import ReportCache

__all__ = ["REPORT_CACHE", "ConnectionDep", "ReportCacheDep", "RequireAdmin"]

REPORT_CACHE = "report_cache"


async def _report_cache(request: Request) -> ReportCache:
    kit: KitState = request.app.state.kit
    cache: ReportCache = kit.extra[REPORT_CACHE]
    return cache


ReportCacheDep = Annotated[ReportCache, Depends(_report_cache)]
