"""A short-lived, per-process cache of whole search responses: the JSON body of a search page,
as sent, so answering a popular search again costs no query, no ORM and no serialisation.

An entry is fresh for `ttl_seconds` (a few seconds: it shows prices and stock). After that, for
as long again, it is still answered at once while the search runs again in the background (so a
popular search never makes a shopper wait for its refresh); later it is searched again before
answering. Concurrent requests for a search that is not cached run it once.

This process's own changes reach the cache once they are committed (`invalidate_after_commit`):
a product added, changed or removed clears every entry; a stock level applied drops the pages
that show that product and every page filtered on stock. Searches already running when the
cache is invalidated are not stored (they may have read the old rows). A change made through
another replica shows here after `ttl_seconds` and one refresh.
"""

import asyncio
import logging
import random
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass
from functools import partial
from uuid import UUID

from service_kit.pg import Tx, after_commit
from sqlalchemy.ext.asyncio import AsyncSession

log = logging.getLogger(__name__)

# An entry past its lifetime is still answered (while it refreshes) for this many lifetimes.
STALE_FACTOR = 2
# Where a session finds the cache of its process (the session factory's `info`).
SESSION_INFO_KEY = "search_cache"


@dataclass(frozen=True)
class CachedPage:
    body: bytes  # the JSON response, as sent
    product_ids: frozenset[UUID]  # the products it shows (their stock and price are in it)
    depends_on_stock: bool  # filtered on stock: which products match depends on stock


Search = Callable[[], Awaitable[CachedPage]]


@dataclass(frozen=True)
class _Entry:
    fresh_until: float
    usable_until: float
    value: CachedPage


class SearchCache:
    """At most `max_entries` pages and `max_bytes` of bodies; the least recently used go
    first."""

    def __init__(
        self, ttl_seconds: float, max_entries: int = 2048, max_bytes: int = 32 * 2**20
    ) -> None:
        self.ttl_seconds = ttl_seconds
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self._entries: OrderedDict[Hashable, _Entry] = OrderedDict()
        self._bytes = 0
        self._running: dict[Hashable, asyncio.Future[CachedPage]] = {}
        self._refreshing: set[asyncio.Task[None]] = set()
        # Bumped by every invalidation: a search that started before one is not stored.
        self._generation = 0

    @property
    def enabled(self) -> bool:
        return self.ttl_seconds > 0

    def get(self, key: Hashable) -> CachedPage | None:
        """A fresh entry (never a stale one)."""
        entry = self._entry(key)
        return entry.value if entry is not None and entry.fresh_until >= time.monotonic() else None

    def put(self, key: Hashable, value: CachedPage) -> None:
        if not self.enabled:
            return
        # Up to a fifth shorter at random, so searches cached together do not all expire
        # (and run again) in the same instant.
        lifetime = self.ttl_seconds * (1 - random.random() / 5)
        now = time.monotonic()
        self._drop(key)
        self._entries[key] = _Entry(now + lifetime, now + lifetime * STALE_FACTOR, value)
        self._bytes += len(value.body)
        while len(self._entries) > self.max_entries or self._bytes > self.max_bytes:
            self._drop(next(iter(self._entries)))

    async def get_or_run(
        self, key: Hashable, search: Search, refresh: Search | None = None
    ) -> CachedPage:
        """The cached page; a stale one at once while `refresh` (a search that does not
        depend on the caller's request) runs in the background; otherwise `search`, run once
        however many requests ask at the same time."""
        if not self.enabled:
            return await search()
        entry = self._entry(key)
        if entry is not None and entry.fresh_until >= time.monotonic():
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
        """Forget everything (a product was added, changed or removed)."""
        self._entries.clear()
        self._bytes = 0
        self._invalidated()

    def forget_stock_of(self, product_id: UUID) -> None:
        """A product's stock changed: drop the pages that show it, and every page filtered on
        stock (the product may have come into or gone out of stock)."""
        stale = [
            key
            for key, entry in self._entries.items()
            if entry.value.depends_on_stock or product_id in entry.value.product_ids
        ]
        for key in stale:
            self._drop(key)
        self._invalidated()

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def size_bytes(self) -> int:
        return self._bytes

    def _drop(self, key: Hashable) -> None:
        entry = self._entries.pop(key, None)
        if entry is not None:
            self._bytes -= len(entry.value.body)

    def _invalidated(self) -> None:
        self._generation += 1
        # Requests from now on run their own search rather than wait for one that may have
        # read the old rows (which still answers the requests already waiting for it).
        self._running.clear()

    def _entry(self, key: Hashable) -> _Entry | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        if entry.usable_until < time.monotonic():
            self._drop(key)
            return None
        self._entries.move_to_end(key)
        return entry

    async def _run(
        self, key: Hashable, search: Search, future: "asyncio.Future[CachedPage] | None" = None
    ) -> CachedPage:
        if future is None:
            future = asyncio.get_running_loop().create_future()
            self._running[key] = future
        generation = self._generation
        try:
            result = await search()
        except BaseException:
            future.cancel()  # whoever waits runs the search itself
            raise
        finally:
            if self._running.get(key) is future:
                del self._running[key]
        future.set_result(result)
        if generation == self._generation:
            self.put(key, result)
        return result

    def _start_refresh(self, key: Hashable, refresh: Search) -> None:
        # Registered now, so the requests arriving before the task starts do not refresh too.
        future: asyncio.Future[CachedPage] = asyncio.get_running_loop().create_future()
        self._running[key] = future

        async def run() -> None:
            try:
                await self._run(key, refresh, future)
            except Exception:
                log.warning("refreshing a cached search failed", exc_info=True)

        task = asyncio.get_running_loop().create_task(run())
        self._refreshing.add(task)
        task.add_done_callback(self._refreshing.discard)


def invalidate_after_commit(target: AsyncSession | Tx, stock_of: UUID | None = None) -> None:
    """Once the transaction of `target` (a session, or a Tx on asyncpg) commits, invalidate the
    cache of this process (if it carries one): everything, or with `stock_of`, what that
    product's stock shows in. Never before the commit: a search in between would store the
    old rows again."""
    cache = target.info.get(SESSION_INFO_KEY)
    if isinstance(cache, SearchCache):
        after_commit(
            target, cache.clear if stock_of is None else partial(cache.forget_stock_of, stock_of)
        )
