"""A short-lived, per-process cache of search results: which product ids a search returns, its
facets and its correction; never the products themselves, which are read fresh by id (so price
and stock shown are always current).

Counting facets costs one pass over every match, which for a broad word in a large catalog is
the most expensive part of a search, and popular searches repeat within seconds. An entry is
fresh for `ttl_seconds`. After that, for up to `STALE_FACTOR` times as long, it is still
answered at once while the search runs again in the background (so a popular search never makes
a shopper wait for its refresh); later it is searched again before answering. Concurrent
requests for a search that is not cached run it once. This process's own catalog changes clear
the cache at once; a change made through another replica shows here after `ttl_seconds` (and
one more refresh).
"""

import asyncio
import logging
import random
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass
from uuid import UUID

from product_service.search import FacetCounts

log = logging.getLogger(__name__)

STALE_FACTOR = 6

Search = Callable[[], Awaitable["CachedSearch"]]


@dataclass(frozen=True)
class CachedSearch:
    product_ids: tuple[UUID, ...]
    facets: FacetCounts
    corrected: str | None


@dataclass(frozen=True)
class _Entry:
    fresh_until: float
    usable_until: float
    value: CachedSearch


class SearchCache:
    def __init__(self, ttl_seconds: float, max_entries: int = 2048) -> None:
        self.ttl_seconds = ttl_seconds
        self.max_entries = max_entries
        self._entries: OrderedDict[Hashable, _Entry] = OrderedDict()
        self._running: dict[Hashable, asyncio.Future[CachedSearch]] = {}
        self._refreshing: set[asyncio.Task[None]] = set()

    @property
    def enabled(self) -> bool:
        return self.ttl_seconds > 0

    def get(self, key: Hashable) -> CachedSearch | None:
        """A fresh entry (never a stale one)."""
        entry = self._entry(key)
        return entry.value if entry is not None and entry.fresh_until >= time.monotonic() else None

    def put(self, key: Hashable, value: CachedSearch) -> None:
        if not self.enabled:
            return
        # Up to a fifth shorter at random, so searches cached together do not all expire
        # (and run again) in the same instant.
        lifetime = self.ttl_seconds * (1 - random.random() / 5)
        now = time.monotonic()
        self._entries[key] = _Entry(now + lifetime, now + lifetime * STALE_FACTOR, value)
        self._entries.move_to_end(key)
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)

    async def get_or_run(
        self, key: Hashable, search: Search, refresh: Search | None = None
    ) -> CachedSearch:
        """The cached result; a stale one at once while `refresh` (a search that does not
        depend on the caller's request) runs in the background; otherwise `search`, run once
        however many requests ask at the same time."""
        if not self.enabled:
            return await search()
        entry = self._entry(key)
        now = time.monotonic()
        if entry is not None and entry.fresh_until >= now:
            return entry.value
        if entry is not None and refresh is not None:
            if key not in self._running:
                self._start_refresh(key, refresh)
            return entry.value
        running = self._running.get(key)
        if running is not None:
            await asyncio.wait({running})
            if not running.cancelled():
                return running.result()
        return await self._run(key, search)

    def clear(self) -> None:
        self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)

    def _entry(self, key: Hashable) -> _Entry | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        if entry.usable_until < time.monotonic():
            del self._entries[key]
            return None
        self._entries.move_to_end(key)
        return entry

    async def _run(
        self, key: Hashable, search: Search, future: "asyncio.Future[CachedSearch] | None" = None
    ) -> CachedSearch:
        if future is None:
            future = asyncio.get_running_loop().create_future()
            self._running[key] = future
        try:
            result = await search()
        except BaseException:
            future.cancel()  # whoever waits runs the search itself
            raise
        finally:
            del self._running[key]
        future.set_result(result)
        self.put(key, result)
        return result

    def _start_refresh(self, key: Hashable, refresh: Search) -> None:
        # Registered now, so the requests arriving before the task starts do not refresh too.
        future: asyncio.Future[CachedSearch] = asyncio.get_running_loop().create_future()
        self._running[key] = future

        async def run() -> None:
            try:
                await self._run(key, refresh, future)
            except Exception:
                log.warning("refreshing a cached search failed", exc_info=True)

        task = asyncio.get_running_loop().create_task(run())
        self._refreshing.add(task)
        task.add_done_callback(self._refreshing.discard)
