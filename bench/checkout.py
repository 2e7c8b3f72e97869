"""Checkout benchmark: end-to-end latency and sustained rate of the saga.

Starts the fleet (order, payment, inventory, cart, product, auth, gateway) as real processes on
their own databases (`_bench`), then:

1. closed loop at 1, 8 and 32 concurrent shoppers: each adds an item to its cart, checks out
   through the gateway, and waits for its order to be PAID; latency runs from sending
   `POST /api/orders` to the later of the order's PAID time and the inventory decrement, both
   read from the services' databases afterwards (so polling does not add to it);
2. open loop at increasing arrival rates, to find the highest steady rate before queues grow.

    uv run python bench/checkout.py [--duration 20]

Prints a table and writes bench/results/checkout-<time>.json. Not a test: numbers depend on the
machine; docs/performance.md records a run.
"""

import argparse
import asyncio
import json
import statistics
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import aiohttp
import asyncpg
import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

from harness import cpu_snapshot  # noqa: E402
from service_kit.testing import private_vhost  # noqa: E402

from fleet import ADMIN_URL, Fleet  # noqa: E402
from invariants import check_invariants  # noqa: E402
from shopper import ADDRESS, Shopper, create_product, log_in, sign_up, wait_until_in_cart_catalog  # noqa: E402


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def cpu_of(fleet: Fleet) -> dict[str, float]:
    processes = {name.removesuffix("-service"): p.pid for name, p in fleet.procs.items()}
    # The services are this process's children: count the benchmark's own CPU alone.
    return {**cpu_snapshot(processes, ("postgres", "beam.smp")), "benchmark": time.process_time()}


def cpu_per_checkout(before: dict[str, float], after: dict[str, float], n: int) -> dict[str, float]:
    """Milliseconds of CPU per completed checkout, per process (or process kind)."""
    per = {k: round(1000 * (after[k] - before[k]) / max(1, n), 2) for k in before}
    per["total"] = round(sum(per.values()), 2)
    return per


async def completion_times(fleet: Fleet, order_ids: list[str]) -> dict[str, float]:
    """Epoch seconds at which each order was both PAID and decremented."""
    base = ADMIN_URL.rsplit("/", 1)[0]
    ids = [uuid.UUID(i) for i in order_ids]
    order_db = await asyncpg.connect(f"{base}/shop_order{fleet.db_suffix}")
    inventory_db = await asyncpg.connect(f"{base}/shop_inventory{fleet.db_suffix}")
    try:
        paid = dict(
            await order_db.fetch(
                "SELECT order_id, min(extract(epoch FROM at)) FROM order_status_history "
                "WHERE status = 'PAID' AND order_id = ANY($1::uuid[]) GROUP BY order_id",
                ids,
            )
        )
        decremented = dict(
            await inventory_db.fetch(
                "SELECT order_id, extract(epoch FROM decided_at) FROM order_decrements "
                "WHERE outcome = 'applied' AND order_id = ANY($1::uuid[])",
                ids,
            )
        )
    finally:
        await order_db.close()
        await inventory_db.close()
    return {
        str(oid): max(float(paid[oid]), float(decremented[oid]))
        for oid in ids
        if oid in paid and oid in decremented
    }


async def shopper_pool(client: httpx.AsyncClient, n: int) -> list[tuple[Shopper, str]]:
    async def one() -> tuple[Shopper, str]:
        shopper = await sign_up(client, "bench")
        return shopper, await shopper.card()

    pool: list[tuple[Shopper, str]] = []
    for start in range(0, n, 16):
        pool += await asyncio.gather(*(one() for _ in range(min(16, n - start))))
    return pool


class Watcher:
    """Tells the shoppers when their order is done and their cart emptied, from the services'
    databases, so waiting puts next to no load on the services under test (polling them
    through the gateway cost more CPU than the checkouts). Every few milliseconds one query
    asks which waiting orders are terminal; the inventory is asked only about orders found
    PAID, and the cart only about shoppers whose order is done (the cart empties on
    order.created, before the payment)."""

    def __init__(self, fleet: Fleet) -> None:
        self.fleet = fleet
        self._orders: dict[uuid.UUID, tuple[uuid.UUID, asyncio.Future[None]]] = {}
        self._carts: dict[uuid.UUID, asyncio.Future[None]] = {}
        self._task: asyncio.Task[None] | None = None

    async def __aenter__(self) -> "Watcher":
        base = ADMIN_URL.rsplit("/", 1)[0]
        suffix = self.fleet.db_suffix
        self._order_db = await asyncpg.connect(f"{base}/shop_order{suffix}")
        self._inventory_db = await asyncpg.connect(f"{base}/shop_inventory{suffix}")
        self._cart_db = await asyncpg.connect(f"{base}/shop_cart{suffix}")
        self._task = asyncio.create_task(self._watch())
        return self

    async def __aexit__(self, *_: object) -> None:
        assert self._task is not None
        self._task.cancel()
        for conn in (self._order_db, self._inventory_db, self._cart_db):
            await conn.close()

    async def done(self, order_id: str, user_id: str, timeout: float = 120) -> None:
        """The order is terminal and decremented, and the shopper's cart is empty again."""
        loop = asyncio.get_running_loop()
        order: asyncio.Future[None] = loop.create_future()
        self._orders[uuid.UUID(order_id)] = (uuid.UUID(user_id), order)
        await asyncio.wait_for(order, timeout)

    async def _watch(self) -> None:
        while True:
            await asyncio.sleep(0.005)
            if self._orders:
                terminal = await self._order_db.fetch(
                    "SELECT id, status FROM orders WHERE id = ANY($1::uuid[]) "
                    "AND status <> 'PENDING'",
                    list(self._orders),
                )
                paid = [r["id"] for r in terminal if r["status"] == "PAID"]
                decided = set()
                if paid:
                    decided = {
                        r["order_id"]
                        for r in await self._inventory_db.fetch(
                            "SELECT order_id FROM order_decrements "
                            "WHERE order_id = ANY($1::uuid[])",
                            paid,
                        )
                    }
                for r in terminal:
                    if r["status"] != "PAID" or r["id"] in decided:
                        user_id, order = self._orders.pop(r["id"])
                        self._carts[user_id] = order
            if self._carts:
                full = {
                    r["user_id"]
                    for r in await self._cart_db.fetch(
                        "SELECT DISTINCT user_id FROM cart_items WHERE user_id = ANY($1::uuid[])",
                        list(self._carts),
                    )
                }
                for user_id in [u for u in self._carts if u not in full]:
                    self._carts.pop(user_id).set_result(None)


class Checkout:
    """The two requests of a checkout, sent with aiohttp: the benchmark's own client should
    cost the shared cores as little as possible (httpx spends ~1 ms of CPU a request)."""

    def __init__(self, gateway: str, product_id: str) -> None:
        self.gateway = gateway
        self.product_id = product_id
        self.http = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=400), timeout=aiohttp.ClientTimeout(total=60)
        )

    async def close(self) -> None:
        await self.http.close()

    async def once(self, shopper: Shopper, method: str) -> tuple[str, float]:
        auth = {"Authorization": f"Bearer {shopper.token}"}
        item = {"product_id": self.product_id, "quantity": 1}
        for _ in range(200):
            async with self.http.post(
                f"{self.gateway}/api/cart/items", json=item, headers=auth
            ) as resp:
                if resp.status in (200, 201):
                    break
            await asyncio.sleep(0.01)
        sent = time.time()
        body = {"payment_method": method, "shipping_address": ADDRESS}
        headers = {**auth, "Idempotency-Key": uuid.uuid4().hex}
        async with self.http.post(f"{self.gateway}/api/orders", json=body, headers=headers) as resp:
            if resp.status != 201:
                raise RuntimeError(f"checkout failed: {resp.status} {await resp.text()}")
            order = await resp.json()
        return str(order["id"]), sent


async def closed_loop(
    fleet: Fleet,
    watcher: Watcher,
    checkout: Checkout,
    pool: list[tuple[Shopper, str]],
    concurrency: int,
    duration: float,
) -> dict[str, Any]:
    sent_at: dict[str, float] = {}
    stop = time.monotonic() + duration

    async def shopper_loop(shopper: Shopper, method: str) -> None:
        while time.monotonic() < stop:
            order_id, sent = await checkout.once(shopper, method)
            sent_at[order_id] = sent
            await watcher.done(order_id, shopper.user_id)

    started, cpu_before = time.monotonic(), cpu_of(fleet)
    await asyncio.gather(*(shopper_loop(s, m) for s, m in pool[:concurrency]))
    elapsed, cpu_after = time.monotonic() - started, cpu_of(fleet)
    done = await completion_times(fleet, list(sent_at))
    latencies = [(done[o] - sent_at[o]) * 1000 for o in sent_at if o in done]
    return {
        "concurrency": concurrency,
        "orders": len(sent_at),
        "completed": len(latencies),
        "checkouts_per_s": round(len(latencies) / elapsed, 1),
        "p50_ms": round(pct(latencies, 50), 1),
        "p99_ms": round(pct(latencies, 99), 1),
        "mean_ms": round(statistics.fmean(latencies), 1) if latencies else None,
        "cpu_ms_per_checkout": cpu_per_checkout(cpu_before, cpu_after, len(latencies)),
    }


async def open_loop(
    fleet: Fleet,
    watcher: Watcher,
    checkout: Checkout,
    pool: list[tuple[Shopper, str]],
    rate: float,
    duration: float,
) -> dict[str, Any]:
    """Orders arrive at `rate` per second regardless of completions; steady if they keep up."""
    sent_at: dict[str, float] = {}
    free = asyncio.Queue[tuple[Shopper, str]]()
    for entry in pool:
        free.put_nowait(entry)
    tasks: list[asyncio.Task[None]] = []

    async def one(entry: tuple[Shopper, str]) -> None:
        shopper, method = entry
        try:
            order_id, sent = await checkout.once(shopper, method)
            sent_at[order_id] = sent
            await watcher.done(order_id, shopper.user_id)
        finally:
            free.put_nowait(entry)

    started, cpu_before = time.monotonic(), cpu_of(fleet)
    n = int(rate * duration)
    short_of_shoppers = 0
    for i in range(n):
        await asyncio.sleep(max(0.0, started + i / rate - time.monotonic()))
        if free.empty():
            short_of_shoppers += 1
        tasks.append(asyncio.create_task(one(await free.get())))
    offered = time.monotonic() - started
    await asyncio.gather(*tasks, return_exceptions=True)
    cpu_after = cpu_of(fleet)
    done = await completion_times(fleet, list(sent_at))
    latencies = [(done[o] - sent_at[o]) * 1000 for o in sent_at if o in done]
    # Steady: the last arrivals waited no longer than the first ones (no queue built up).
    ordered = [done[o] - sent_at[o] for o in sorted(sent_at, key=lambda o: sent_at[o]) if o in done]
    third = max(1, len(ordered) // 3)
    early, late = statistics.median(ordered[:third]), statistics.median(ordered[-third:])
    return {
        "rate": rate,
        "offered_per_s": round(n / offered, 1),
        "completed": len(latencies),
        "achieved_per_s": round(len(latencies) / (max(done.values()) - min(sent_at.values())), 1)
        if done
        else 0,
        "p50_ms": round(pct(latencies, 50), 1),
        "p99_ms": round(pct(latencies, 99), 1),
        "first_third_p50_ms": round(early * 1000, 1),
        "last_third_p50_ms": round(late * 1000, 1),
        "waited_for_a_free_shopper": short_of_shoppers,
        "cpu_ms_per_checkout": cpu_per_checkout(cpu_before, cpu_after, len(latencies)),
        "steady": late < 2 * early + 0.05 and short_of_shoppers == 0 and len(latencies) == n,
    }


async def run(args: argparse.Namespace, amqp_url: str) -> dict[str, Any]:
    fleet = Fleet(
        db_suffix="_bench",
        env={
            "AMQP_URL": amqp_url,
            "RATE_LIMIT_ENABLED": "false",
            "LOG_LEVEL": "WARNING",
            "ACCESS_LOG": "false",
        },
    )
    await asyncio.to_thread(fleet.prepare)
    await asyncio.to_thread(fleet.start_all)
    results: dict[str, Any] = {"closed_loop": [], "open_loop": []}
    try:
        limits = httpx.Limits(
            max_connections=400, max_keepalive_connections=400, keepalive_expiry=2
        )
        async with httpx.AsyncClient(base_url=fleet.gateway, timeout=60, limits=limits) as client:
            admin = await log_in(client, fleet.admin_email, fleet.admin_password)
            product_id = await create_product(admin, stock=1_000_000, price_cents=1500)
            pool = await shopper_pool(client, max(args.pool, 32))
            await wait_until_in_cart_catalog(pool[0][0], product_id)
            checkout = Checkout(fleet.gateway, product_id)
            try:
                async with Watcher(fleet) as watcher:
                    await closed_loop(fleet, watcher, checkout, pool, 4, 3)  # warm-up
                    for concurrency in args.shoppers:
                        row = await closed_loop(
                            fleet, watcher, checkout, pool, concurrency, args.duration
                        )
                        results["closed_loop"].append(row)
                        print(json.dumps(row), flush=True)
                    for rate in args.rates:
                        row = await open_loop(fleet, watcher, checkout, pool, rate, args.duration)
                        results["open_loop"].append(row)
                        print(json.dumps(row), flush=True)
            finally:
                await checkout.close()
        report = await check_invariants(fleet.db_suffix, settle_seconds=60, amqp_url=amqp_url)
        results["invariants"] = report.render()
        print(report.render())
    finally:
        fleet.stop_all()
    return results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--duration", type=float, default=15.0)
    parser.add_argument("--pool", type=int, default=160)
    parser.add_argument("--shoppers", type=int, nargs="*", default=[1, 8, 32])
    parser.add_argument("--rates", type=float, nargs="*", default=[20, 40, 60, 80, 100])
    args = parser.parse_args()
    # A virtual host of the run's own, deleted after it: the queues of consumers still to come
    # (analytics, recommendation) would otherwise keep every run's events, and RabbitMQ slows
    # as they grow.
    with private_vhost("checkout_bench") as amqp_url:
        results = asyncio.run(run(args, amqp_url))
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"checkout-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps(results, indent=2))
    print(f"\nwritten {path}")


if __name__ == "__main__":
    main()
