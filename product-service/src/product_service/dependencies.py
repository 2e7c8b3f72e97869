"""Request dependencies: the unit of work, read sessions, the caller, the settings, the search
cache."""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated

from fastapi import Depends, Request
from service_kit.app import KitState
from service_kit.auth import CurrentUser, RequireAdmin
from service_kit.db import SessionDep
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from product_service.config import ProductSettings
from product_service.search_cache import SearchCache

SEARCH_CACHE = "search_cache"
READ_SESSIONS = "read_sessions"
# Pool connections that reads leave to writes and event handlers.
KEPT_FOR_WRITES = 2


class ReadSessions:
    """Sessions for work that only reads: no transaction, so no BEGIN and COMMIT round trips
    around the one or two queries of a catalog page (measured: ~20-40% of a product page's
    time). Anything that writes uses SessionDep, the kit's unit of work.

    At most `limit` at once, handed out in the order they were asked for. The pool alone is
    not fair: a connection given back wakes the oldest waiter, but a request arriving before it
    runs takes the connection, and the waiter queues again at the back. At 16 connections on a
    pool of 8, that made 1-2 % of product pages wait 0.4-0.7 s (p50 7 ms)."""

    def __init__(
        self, factory: async_sessionmaker[AsyncSession], engine: AsyncEngine, limit: int
    ) -> None:
        self._factory = factory
        self._engine = engine
        self._gate = asyncio.Semaphore(limit)  # first come, first served

    @asynccontextmanager
    async def __call__(self) -> AsyncIterator[AsyncSession]:
        async with self._gate, self._factory(bind=self._engine) as session:
            yield session


def read_sessions_for(kit: KitState, settings: ProductSettings) -> ReadSessions:
    assert kit.engine is not None
    assert kit.sessions is not None
    engine = kit.engine.execution_options(isolation_level="AUTOCOMMIT")
    return ReadSessions(kit.sessions, engine, max(1, settings.db_pool_size - KEPT_FOR_WRITES))


# Dependencies are `async def` even when they do not await: FastAPI runs a plain `def`
# dependency in its thread pool, a thread hop per request (~3 % of a search in a profile).


def _kit(request: Request) -> KitState:
    kit: KitState = request.app.state.kit
    return kit


async def settings(request: Request) -> ProductSettings:
    value = _kit(request).settings
    assert isinstance(value, ProductSettings)
    return value


async def search_cache(request: Request) -> SearchCache:
    value: SearchCache = _kit(request).extra[SEARCH_CACHE]
    return value


async def read_sessions(request: Request) -> ReadSessions:
    value: ReadSessions = _kit(request).extra[READ_SESSIONS]
    return value


async def read_session(
    new_session: Annotated[ReadSessions, Depends(read_sessions)],
) -> AsyncIterator[AsyncSession]:
    async with new_session() as session:
        yield session


SettingsDep = Annotated[ProductSettings, Depends(settings)]
ReadSessionDep = Annotated[AsyncSession, Depends(read_session)]
ReadSessionsDep = Annotated[ReadSessions, Depends(read_sessions)]
SearchCacheDep = Annotated[SearchCache, Depends(search_cache)]

__all__ = [
    "CurrentUser",
    "ReadSessionDep",
    "ReadSessionsDep",
    "RequireAdmin",
    "SearchCacheDep",
    "SessionDep",
    "SettingsDep",
]
