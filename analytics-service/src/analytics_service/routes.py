"""HTTP routes, at the gateway's paths, all for admins: parse, call the service, shape the
answer. The summary, the trend and the top products are answered from the report cache while
the roll-ups have not changed (cache.py)."""

import re
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import asdict
from datetime import datetime
from typing import Annotated, Literal, TypeVar

import asyncpg
from fastapi import APIRouter, Query
from pydantic import BeforeValidator
from service_kit.pg import Database, DatabaseDep

from analytics_service import service
from analytics_service.cache import ReportCache
from analytics_service.dependencies import ConnectionDep, ReportCacheDep, RequireAdmin
from analytics_service.errors import error_responses
from analytics_service.schemas import (
    AbandonedCartsOut,
    SalesBucketOut,
    SummaryOut,
    TopProductOut,
)
from analytics_service.timerange import Interval, TimeRange

router = APIRouter(prefix="/api/analytics", tags=["analytics"])


def _rfc3339(value: object) -> object:
    """A time as RFC 3339 text only (pydantic alone would also take a number of seconds)."""
    if isinstance(value, str) and not RFC3339_DATE.match(value):
        raise ValueError("expected an RFC 3339 time, e.g. 2026-01-31T00:00:00Z")
    return value


RFC3339_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}([Tt ]|$)")
Time = Annotated[datetime, BeforeValidator(_rfc3339)]
From = Annotated[
    Time | None,
    Query(alias="from", description="RFC 3339; default: 30 days before `to` (UTC if no zone)"),
]
To = Annotated[Time | None, Query(alias="to", description="RFC 3339, exclusive; default: now")]
ERRORS = error_responses(401, 403, 422)
T = TypeVar("T")


async def _kept(
    cache: ReportCache,
    database: Database,
    key: Hashable,
    read: Callable[[asyncpg.Connection], Awaitable[T]],
) -> T:
    """The cache's answer to `key`, else `read` on a connection taken only then."""

    async def compute() -> T:
        async with database.connection() as conn:
            return await read(conn)

    return await cache.answer(key, compute)


@router.get("/summary", summary="Sales figures over a range (admin)", responses=ERRORS)
async def summary(
    _: RequireAdmin,
    database: DatabaseDep,
    cache: ReportCacheDep,
    start: From = None,
    end: To = None,
) -> SummaryOut:
    period = TimeRange.of(start, end)

    async def read(conn: asyncpg.Connection) -> SummaryOut:
        figures = await service.summary(conn, period)
        return SummaryOut(**asdict(figures), from_=period.start, to=period.end)

    return await _kept(cache, database, ("summary", period), read)


@router.get(
    "/sales",
    summary="Revenue and orders per hour or UTC day, empty buckets included (admin)",
    responses=ERRORS,
)
async def sales(
    _: RequireAdmin,
    database: DatabaseDep,
    cache: ReportCacheDep,
    start: From = None,
    end: To = None,
    interval: Interval = Interval.DAY,
) -> list[SalesBucketOut]:
    period = TimeRange.of(start, end)

    async def read(conn: asyncpg.Connection) -> list[SalesBucketOut]:
        buckets = await service.sales(conn, period, interval)
        return [SalesBucketOut.model_validate(b) for b in buckets]

    return await _kept(cache, database, ("sales", period, interval), read)


@router.get("/top-products", summary="Best-selling products, all time (admin)", responses=ERRORS)
async def top_products(
    _: RequireAdmin,
    database: DatabaseDep,
    cache: ReportCacheDep,
    limit: Annotated[int, Query(ge=1, le=100)] = 10,
    by: Literal["revenue", "units"] = "revenue",
) -> list[TopProductOut]:
    async def read(conn: asyncpg.Connection) -> list[TopProductOut]:
        found = await service.top_products(conn, limit=limit, by=by)
        return [TopProductOut.model_validate(p) for p in found]

    return await _kept(cache, database, ("top-products", limit, by), read)


@router.get(
    "/abandoned-carts",
    summary="Carts with items left idle and not followed by an order (admin)",
    responses=ERRORS,
)
async def abandoned_carts(
    _: RequireAdmin,
    conn: ConnectionDep,
    idle_minutes: Annotated[int, Query(ge=1, le=60 * 24 * 90)] = 60,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> AbandonedCartsOut:
    found = await service.abandoned_carts(conn, idle_minutes=idle_minutes, limit=limit)
    return AbandonedCartsOut.model_validate(found)
