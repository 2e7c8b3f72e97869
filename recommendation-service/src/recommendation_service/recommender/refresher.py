"""Keeps the recommender's model current, in the background: every few seconds it asks the
read model whether the catalog or the paid orders changed (a fingerprint of row versions),
and if so rebuilds the model in a worker thread and swaps it in. Requests never build."""

import asyncio
import contextlib
import logging
import time

from prometheus_client import Gauge, Histogram
from service_kit.pg import Database

from recommendation_service import repository
from recommendation_service.recommender.model import BlendWeights, Snapshot, build_snapshot

log = logging.getLogger(__name__)

BUILD_SECONDS = Histogram(
    "recommendation_model_build_seconds",
    "Time to load the read model and build the recommender's model",
    buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
MODEL_PRODUCTS = Gauge("recommendation_model_products", "Products in the recommender's model")


class Refresher:
    def __init__(
        self,
        database: Database,
        *,
        interval: float,
        neighbours: int,
        weights: BlendWeights = BlendWeights(),
    ) -> None:
        self.database = database
        self.interval = interval
        self.neighbours = neighbours
        self.weights = weights
        self.snapshot = build_snapshot(0, [], [], weights=weights, k=neighbours)
        self._fingerprint: str | None = None
        self._lock = asyncio.Lock()
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        await self.refresh()
        self._task = asyncio.create_task(self._run(), name="recommender-refresh")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def refresh(self) -> bool:
        """Rebuild the model if what it is built from changed; True when it was rebuilt."""
        async with self._lock:
            async with (
                self.database.pool.acquire() as conn,
                conn.transaction(isolation="repeatable_read", readonly=True),
            ):
                fingerprint = await repository.fingerprint(conn)
                if fingerprint == self._fingerprint:
                    return False
                items = await repository.catalog(conn)
                baskets = await repository.paid_baskets(conn)
            started = time.perf_counter()
            snapshot: Snapshot = await asyncio.to_thread(
                build_snapshot,
                self.snapshot.version + 1,
                items,
                baskets,
                weights=self.weights,
                k=self.neighbours,
            )
            BUILD_SECONDS.observe(time.perf_counter() - started)
            MODEL_PRODUCTS.set(len(snapshot))
            self.snapshot = snapshot
            self._fingerprint = fingerprint
            log.info(
                "recommender model rebuilt",
                extra={"products": len(items), "paid_orders": len(baskets)},
            )
            return True

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self.interval)
            try:
                await self.refresh()
            except asyncio.CancelledError:
                raise
            except Exception:
                # The last model keeps answering; the next round tries again.
                log.exception("recommender model refresh failed")
