"""The search index of this replica, kept in step with `product_search`, which stays the
source of truth.

- Start: LISTEN on a connection of its own, then load every row (a change committed in
  between is both loaded and announced; applying it twice changes nothing).
- A notification names the changed ids (or `*`, everything: a bulk load or a truncate): they
  are re-read and applied in the background. This replica's own changes are marked as
  changed when they commit (`mark_changed_after_commit`), and a search applies whatever is
  marked before it answers, so a replica always shows its own changes at once.
- A lost listener connection (or one that stops answering) means missed notifications: the
  index is dropped, and rebuilt once listening again.
- The shown products' JSON (`search_fragments`) is kept here too: every change the index
  learns of drops its product's, a reload or a lost connection drops all.
- Until the index is loaded, while it is rebuilt after a lost connection, and for a query it
  cannot answer exactly (search_terms.resolve), `search` returns None and the caller runs the
  search in PostgreSQL.
"""

import asyncio
import contextlib
import logging
import time
from collections.abc import Iterable
from typing import Any
from uuid import UUID

import asyncpg
from prometheus_client import Gauge
from service_kit.pg import Tx, after_commit
from sqlalchemy.ext.asyncio import AsyncSession

from product_service import repository
from product_service.search import Filters, SortOrder, WordQuery
from product_service.search_fragments import ProductFragments
from product_service.search_index import IndexedRow, SearchIndex
from product_service.search_terms import LexemeCache, resolve

log = logging.getLogger(__name__)

# Where a session or Tx finds the index of its process (as the search cache: its `info`).
INFO_KEY = "search_index"
# How often the listener connection is checked when nothing arrives.
PING_SECONDS = 5.0
# Dead slots (replaced versions) that make a full reload worth it.
MIN_DEAD_FOR_RELOAD = 5_000
# Products whose page JSON is kept (~750 bytes each, ~1 kB with the dictionary's share).
FRAGMENT_PRODUCTS = 20_000

INDEXED_PRODUCTS = Gauge("product_search_index_products", "Products in the search index")
INDEX_LOAD_SECONDS = Gauge(
    "product_search_index_load_seconds", "Duration of the search index's last full load"
)


class LiveSearchIndex:
    def __init__(
        self, dsn: str, pool: asyncpg.Pool, fragment_products: int = FRAGMENT_PRODUCTS
    ) -> None:
        self.dsn = dsn
        self.pool = pool
        self.index: SearchIndex | None = None
        self.fragments = ProductFragments(fragment_products)
        self.exact_name_order = True
        self.lexemes = LexemeCache()
        self.loads = 0  # full loads done (tests and operators read it)
        self._pending: set[UUID] = set()
        self._reload_wanted = False
        self._reloading = False
        self._lock = asyncio.Lock()
        self._wake = asyncio.Event()
        self._listener: asyncpg.Connection | None = None
        self._task: asyncio.Task[None] | None = None

    @property
    def ready(self) -> bool:
        return self.index is not None and not self._reloading

    # Lifecycle

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run(), name="search-index")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await self._close_listener()

    async def wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while not self.ready:
            if time.monotonic() > deadline:
                raise TimeoutError("the search index is not loaded")
            await asyncio.sleep(0.01)

    def drop_listener(self) -> None:
        """Close the listener connection as a network failure would (for tests)."""
        if self._listener is not None:
            self._listener.terminate()

    async def _run(self) -> None:
        delay = 0.5
        while True:
            try:
                await self._listen()
                await self._reload()
                delay = 0.5
                await self._follow()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.warning("search index: lost step with the database; rebuilding", exc_info=True)
            self.index = None
            self.fragments.clear()
            INDEXED_PRODUCTS.set(0)
            await self._close_listener()
            await asyncio.sleep(delay)
            delay = min(10.0, delay * 2)

    async def _listen(self) -> None:
        listener = await asyncpg.connect(self.dsn)
        self._listener = listener
        listener.add_termination_listener(lambda _: self._wake.set())
        await listener.add_listener(repository.SEARCH_ROWS_CHANNEL, self._notified)

    async def _close_listener(self) -> None:
        listener, self._listener = self._listener, None
        if listener is not None and not listener.is_closed():
            with contextlib.suppress(Exception):
                await asyncio.wait_for(listener.close(), 2)

    def _notified(self, _conn: Any, _pid: int, _channel: str, payload: str) -> None:
        if payload == "*":
            self._reload_wanted = True
            self.fragments.clear()
        else:
            changed = [UUID(part) for part in payload.split(",")]
            self._pending.update(changed)
            self.fragments.forget(changed)
        self._wake.set()

    async def _follow(self) -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), PING_SECONDS)
            self._wake.clear()
            listener = self._listener
            if listener is None or listener.is_closed():
                raise ConnectionError("the search index's listener connection closed")
            if not self._pending and not self._reload_wanted:
                await asyncio.wait_for(listener.fetchval("SELECT 1"), PING_SECONDS)
            index = self.index
            if self._reload_wanted or (
                index is not None and index.dead > max(MIN_DEAD_FOR_RELOAD, len(index) // 4)
            ):
                await self._reload()
            await self.refresh()

    async def _reload(self) -> None:
        """Every row again; PostgreSQL answers the searches meanwhile."""
        started = time.monotonic()
        async with self._lock:
            self._reload_wanted = False
            self._reloading = True
            # Changes made before listening started were never announced.
            self.fragments.clear()
            try:
                async with self.pool.acquire() as conn:
                    self.exact_name_order = await repository.orders_text_by_code_point(conn)
                    records = await repository.search_rows(conn)
                rows = [IndexedRow(*record) for record in records]
                del records
                # In a thread: the event loop keeps serving (PostgreSQL answers searches).
                self.index = await asyncio.to_thread(SearchIndex.build, rows)
            finally:
                self._reloading = False
        self.loads += 1
        INDEX_LOAD_SECONDS.set(time.monotonic() - started)
        INDEXED_PRODUCTS.set(len(self.index))
        log.info(
            "search index loaded",
            extra={"products": len(self.index), "seconds": round(time.monotonic() - started, 2)},
        )

    # Changes

    def mark_changed(self, product_ids: Iterable[UUID]) -> None:
        product_ids = list(product_ids)
        self._pending.update(product_ids)
        self.fragments.forget(product_ids)
        self._wake.set()

    async def refresh(self) -> None:
        """Re-read the rows marked as changed and apply them."""
        async with self._lock:
            index = self.index
            if index is None or not self._pending:
                return
            ids, self._pending = self._pending, set()
            try:
                async with self.pool.acquire() as conn:
                    records = await repository.search_rows_by_ids(conn, list(ids))
            except BaseException:
                self._pending |= ids
                raise
            found = {record["id"] for record in records}
            for record in records:
                index.put(IndexedRow(*record))
            for product_id in ids - found:
                index.remove(product_id)
            INDEXED_PRODUCTS.set(len(index))

    # Searching

    async def search(
        self,
        session: AsyncSession,
        query: WordQuery,
        filters: Filters,
        sort: SortOrder,
        limit: int,
        offset: int,
    ) -> tuple[list[Any], list[UUID]] | None:
        """The index's answer, or None where PostgreSQL must answer (see the module)."""
        if not self.ready or (sort == "name" and not self.exact_name_order):
            return None
        words = [term.word for group in query.groups for term in group]
        lexemes = await self.lexemes.lexemes(
            words, lambda missing: repository.tsqueries_of(session, missing)
        )
        resolved = resolve(query, lexemes)
        if resolved is None:
            return None
        if self._pending or self._lock.locked():
            # Also when a refresh is under way: the rows it read are not applied yet.
            await self.refresh()
        index = self.index
        if index is None or not self.ready:
            return None
        return index.search(resolved, filters, sort, limit, offset)


def mark_changed_after_commit(target: AsyncSession | Tx, product_id: UUID) -> None:
    """Once the transaction of `target` commits, this process's index re-reads the product
    before its next search (the notification reaches the other replicas)."""
    live = target.info.get(INFO_KEY)
    if isinstance(live, LiveSearchIndex):
        after_commit(target, lambda: live.mark_changed([product_id]))
