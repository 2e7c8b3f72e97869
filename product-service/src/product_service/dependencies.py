"""Request dependencies: the unit of work, the caller, the settings, the search cache."""

from collections.abc import AsyncIterator, Callable
from typing import Annotated

from fastapi import Depends, Request
from service_kit.app import KitState
from service_kit.auth import CurrentUser, RequireAdmin
from service_kit.db import SessionDep
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from product_service.config import ProductSettings
from product_service.search_cache import SearchCache

SEARCH_CACHE = "search_cache"
READ_ENGINE = "read_engine"


def _kit(request: Request) -> KitState:
    kit: KitState = request.app.state.kit
    return kit


def settings(request: Request) -> ProductSettings:
    value = _kit(request).settings
    assert isinstance(value, ProductSettings)
    return value


def search_cache(request: Request) -> SearchCache:
    value: SearchCache = _kit(request).extra[SEARCH_CACHE]
    return value


def read_sessions(request: Request) -> Callable[[], AsyncSession]:
    """Sessions for work that only reads: no transaction, so no BEGIN and COMMIT round trips
    around the one or two queries of a catalog page (measured: ~20-40% of a product page's
    time). Anything that writes uses SessionDep, the kit's unit of work."""
    kit = _kit(request)
    assert kit.sessions is not None
    factory = kit.sessions
    engine: AsyncEngine = kit.extra[READ_ENGINE]
    return lambda: factory(bind=engine)


async def read_session(
    new_session: Annotated[Callable[[], AsyncSession], Depends(read_sessions)],
) -> AsyncIterator[AsyncSession]:
    async with new_session() as session:
        yield session


SettingsDep = Annotated[ProductSettings, Depends(settings)]
ReadSessionDep = Annotated[AsyncSession, Depends(read_session)]
ReadSessionsDep = Annotated[Callable[[], AsyncSession], Depends(read_sessions)]
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
