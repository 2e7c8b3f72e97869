"""Request dependencies: the unit of work and read sessions (the kit's), the caller, the
settings, the search cache and index."""

import logging
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from service_kit.app import KitState
from service_kit.auth import CurrentUser, RequireAdmin
from service_kit.db import ReadSessionDep, ReadSessions, ReadSessionsDep, SessionDep

from product_service.config import ProductSettings
from product_service.errors import SearchStarting
from product_service.search.cache import SearchCache
from product_service.search.live import LiveSearchIndex

log = logging.getLogger(__name__)

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


async def search_index(request: Request) -> LiveSearchIndex:
    value = _kit(request).extra.get(SEARCH_INDEX)
    if not isinstance(value, LiveSearchIndex):
        raise SearchStarting()
    return value


async def searchable_after_commit(request: Request) -> AsyncIterator[None]:
    """A write's change is searchable on this replica before its response is sent: declared
    before the unit of work, this ends after its commit (both end before the response)."""
    yield
    index = _kit(request).extra.get(SEARCH_INDEX)
    if isinstance(index, LiveSearchIndex):
        try:
            await index.refresh()
        except Exception:
            # Committed all the same; the index catches up from the notification.
            log.warning("search index: a change was not applied at once", exc_info=True)


SettingsDep = Annotated[ProductSettings, Depends(settings)]
SearchCacheDep = Annotated[SearchCache, Depends(search_cache)]
SearchIndexDep = Annotated[LiveSearchIndex, Depends(search_index)]
SearchableDep = Annotated[None, Depends(searchable_after_commit, scope="function")]

__all__ = [
    "CurrentUser",
    "ReadSessionDep",
    "ReadSessions",
    "ReadSessionsDep",
    "RequireAdmin",
    "SearchCacheDep",
    "SearchIndexDep",
    "SearchableDep",
    "SessionDep",
    "SettingsDep",
]
