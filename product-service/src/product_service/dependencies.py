"""Request dependencies: the unit of work and read sessions (the kit's), the caller, the
settings, the search cache."""

from typing import Annotated

from fastapi import Depends, Request
from service_kit.app import KitState
from service_kit.auth import CurrentUser, RequireAdmin
from service_kit.db import ReadSessionDep, ReadSessions, ReadSessionsDep, SessionDep

from product_service.config import ProductSettings
from product_service.search_cache import SearchCache
from product_service.search_sync import LiveSearchIndex

SEARCH_CACHE = "search_cache"
SEARCH_INDEX = "search_index"

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


async def search_index(request: Request) -> LiveSearchIndex | None:
    value: LiveSearchIndex | None = _kit(request).extra.get(SEARCH_INDEX)
    return value


SettingsDep = Annotated[ProductSettings, Depends(settings)]
SearchCacheDep = Annotated[SearchCache, Depends(search_cache)]
SearchIndexDep = Annotated[LiveSearchIndex | None, Depends(search_index)]

__all__ = [
    "CurrentUser",
    "ReadSessionDep",
    "ReadSessions",
    "ReadSessionsDep",
    "RequireAdmin",
    "SearchCacheDep",
    "SearchIndexDep",
    "SessionDep",
    "SettingsDep",
]
