"""The search index of this replica, kept in step with `products`, which stays the source of
truth.

- Start: LISTEN on a connection of its own, then build the index from every live product (a
  change committed in between is both read and announced; applying it twice changes
  nothing). Until that first build is done the replica is not ready (`/ready`) and a search
  is refused with 503.
- A notification names the changed ids (or `*`, everything: a bulk load or a truncate). The
  ids gathered while a commit runs are re-read and written in the next one, so a burst of
  changes costs a few commits, not one each.
- This replica's own changes are marked as changed when they commit (`mark_changed_after_
  commit`); a write's response waits until they are searchable here (`routes.py`), and a
  search first applies any of them still pending (a stock level from an event).
- A lost listener connection (or one that stops answering) may have missed notifications: the
  replica keeps answering from the index it has, listens again, builds a new index from
  every product and swaps it in.
- The shown products' JSON (`fragments.py`) is kept here too: every change the index learns
  of drops its product's, a rebuild drops all.
"""

import asyncio
import contextlib
import logging
import time
from collections.abc import Iterable
from uuid import UUID

import asyncpg
from prometheus_client import Gauge
from service_kit.listen import Listener
from service_kit.pg import Tx, after_commit
from sqlalchemy.ext.asyncio import AsyncSession

from product_service import repository
from product_service.errors import SearchStarting
from product_service.search.documents import IndexedProduct
from product_service.search.engine import CatalogIndex, Found
from product_service.search.fragments import ProductFragments
from product_service.search.query import SearchRequest

log = logging.getLogger(__name__)

# Where a session or Tx finds the index of its process (as the search cache: its `info`).
INFO_KEY = "search_index"
# How often the listener connection is checked when nothing arrives.
PING_SECONDS = 5.0
# Products whose page JSON is kept (~880 bytes each).
FRAGMENT_PRODUCTS = 20_000
# Products read from PostgreSQL per round trip of a build.
BUILD_BATCH = 10_000

INDEXED_PRODUCTS = Gauge("product_search_index_products", "Products in the search index")
INDEX_LOAD_SECONDS = Gauge(
    "product_search_index_load_seconds", "Duration of the search index's last full build"
)


class LiveSearchIndex:
    def __init__(
        self, dsn: str, pool: asyncpg.Pool, fragment_products: int = FRAGMENT_PRODUCTS
    ) -> None:
        self.dsn = dsn
        self.pool = pool
        self.index: CatalogIndex | None = None
        self.fragments = ProductFragments(fragment_products)
        self.loads = 0  # full builds done (tests and operators read it)
        self._pending: set[UUID] = set()
        # This process's own changes: how many were marked, and how many of those are
        # searchable (a search waits until they all are).
        self._own_marked = 0
        self._own_applied = 0
        self._rebuild_wanted = False
        self._lock = asyncio.Lock()
        self._wake = asyncio.Event()
        self._listener: Listener | None = None
        self._task: asyncio.Task[None] | None = None

    @property
    def ready(self) -> bool:
        return self.index is not None

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
                raise TimeoutError("the search index is not built")
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
                await self.rebuild()
                delay = 0.5
                await self._follow()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.warning("search index: lost step with the database; rebuilding", exc_info=True)
            self.fragments.clear()
            await self._close_listener()
            await asyncio.sleep(delay)
            delay = min(10.0, delay * 2)

    async def _listen(self) -> None:
        self._listener = Listener(
            self.dsn, repository.PRODUCTS_CHANNEL, self._notified, on_lost=self._wake.set
        )
        await self._listener.open()

    async def _close_listener(self) -> None:
        listener, self._listener = self._listener, None
        if listener is not None:
            await listener.close()

    def _notified(self, payload: str) -> None:
        if payload == "*":
            self._rebuild_wanted = True
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
            if listener is None or listener.closed:
                raise ConnectionError("the search index's listener connection closed")
            if not self._pending and not self._rebuild_wanted:
                await listener.check(PING_SECONDS)
            if self._rebuild_wanted:
                await self.rebuild()
            await self.refresh()

    async def rebuild(self) -> None:
        """A new index of every live product, swapped in when complete (the old one, if any,
        answers meanwhile)."""
        started = time.monotonic()
        async with self._lock:
            self._rebuild_wanted = False
            # Changes made before listening started were never announced.
            self.fragments.clear()
            index = CatalogIndex()
            async with self.pool.acquire() as conn, conn.transaction(readonly=True):
                batches = repository.indexed_products(conn, BUILD_BATCH)
                async for records in batches:
                    products = [IndexedProduct(*record) for record in records]
                    # Tokenising and indexing in a thread: the event loop keeps serving.
                    await asyncio.to_thread(index.add, products)
            await asyncio.to_thread(index.commit)
            self.index = index
        self.loads += 1
        INDEX_LOAD_SECONDS.set(time.monotonic() - started)
        INDEXED_PRODUCTS.set(len(index))
        log.info(
            "search index built",
            extra={"products": len(index), "seconds": round(time.monotonic() - started, 2)},
        )

    # Changes

    def mark_changed(self, product_ids: Iterable[UUID], *, own: bool = True) -> None:
        product_ids = list(product_ids)
        self._pending.update(product_ids)
        if own:
            self._own_marked += 1
        self.fragments.forget(product_ids)
        self._wake.set()

    async def refresh(self) -> None:
        """Re-read the products marked as changed and write them in one commit."""
        if self.index is None:
            return  # the first build reads them, or the changes are written right after it
        async with self._lock:
            index = self.index
            marked = self._own_marked
            if index is None or not self._pending:
                self._own_applied = marked
                return
            ids, self._pending = self._pending, set()
            try:
                async with self.pool.acquire() as conn:
                    records = await repository.indexed_products_by_ids(conn, list(ids))
                products = [IndexedProduct(*record) for record in records]
                gone = ids - {product.id for product in products}
                await asyncio.to_thread(index.write, products, gone)
            except BaseException:
                self._pending |= ids
                raise
            self._own_applied = marked
            INDEXED_PRODUCTS.set(len(index))

    # Searching

    async def search(self, request: SearchRequest) -> Found:
        if self._own_applied < self._own_marked:
            await self.refresh()  # this process's own changes first
        index = self.index
        if index is None:
            raise SearchStarting()
        return index.search(request)


def mark_changed_after_commit(target: AsyncSession | Tx, product_id: UUID) -> None:
    """Once the transaction of `target` commits, this process's index re-reads the product
    before its next search (the notification reaches the other replicas)."""
    live = target.info.get(INFO_KEY)
    if isinstance(live, LiveSearchIndex):
        after_commit(target, lambda: live.mark_changed([product_id]))
