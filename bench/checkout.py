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

import asyncpg
import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

from fleet import ADMIN_URL, Fleet  # noqa: E402
from invariants import check_invariants  # noqa: E402
from shopper import Shopper, create_product, log_in, sign_up, wait_until_in_cart_catalog  # noqa: E402


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


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


async def checkout_once(shopper: Shopper, method: str, product_id: str) -> tuple[str, float]:
    for _ in range(200):
        resp = await shopper.add_to_cart(product_id, 1)
        if resp.status_code in (200, 201):
            break
        await asyncio.sleep(0.01)
    sent = time.time()
    resp = await shopper.checkout(method)
    if resp.status_code != 201:
        raise RuntimeError(f"checkout failed: {resp.status_code} {resp.text}")
    return str(resp.json()["id"]), sent


async def closed_loop(
    fleet: Fleet,
    pool: list[tuple[Shopper, str]],
    product_id: str,
    concurrency: int,
    duration: float,
) -> dict[str, Any]:
    sent_at: dict[str, float] = {}
    stop = time.monotonic() + duration

    async def shopper_loop(shopper: Shopper, method: str) -> None:
        while time.monotonic() < stop:
            order_id, sent = await checkout_once(shopper, method, product_id)
            sent_at[order_id] = sent
            # Latency comes from the services' own timestamps, so polling slowly costs the
            # measurement nothing and keeps the polls from loading the machine under test.
            await shopper.wait_terminal(order_id, timeout=60, interval=0.05)
            # The cart is emptied by order.created; wait for it before the next round.
            for _ in range(400):
                cart = (await shopper.call("GET", "/api/cart")).json()
                if not cart["items"]:
                    break
                await asyncio.sleep(0.05)

    started = time.monotonic()
    await asyncio.gather(*(shopper_loop(s, m) for s, m in pool[:concurrency]))
    elapsed = time.monotonic() - started
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
    }


async def open_loop(
    fleet: Fleet, pool: list[tuple[Shopper, str]], product_id: str, rate: float, duration: float
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
            order_id, sent = await checkout_once(shopper, method, product_id)
            sent_at[order_id] = sent
            await shopper.wait_terminal(order_id, timeout=120, interval=0.05)
            for _ in range(400):
                if not (await shopper.call("GET", "/api/cart")).json()["items"]:
                    break
                await asyncio.sleep(0.01)
        finally:
            free.put_nowait(entry)

    started = time.monotonic()
    n = int(rate * duration)
    short_of_shoppers = 0
    for i in range(n):
        await asyncio.sleep(max(0.0, started + i / rate - time.monotonic()))
        if free.empty():
            short_of_shoppers += 1
        tasks.append(asyncio.create_task(one(await free.get())))
    offered = time.monotonic() - started
    await asyncio.gather(*tasks, return_exceptions=True)
    done = await completion_times(fleet, list(sent_at))
    latencies = [(done[o] - sent_at[o]) * 1000 for o in sent_at if o in done]
    return {
        "rate": rate,
        "offered_per_s": round(n / offered, 1),
        "completed": len(latencies),
        "p50_ms": round(pct(latencies, 50), 1),
        "p99_ms": round(pct(latencies, 99), 1),
        "waited_for_a_free_shopper": short_of_shoppers,
        "steady": pct(latencies, 99) < 1000 and short_of_shoppers == 0,
    }


async def run(args: argparse.Namespace) -> dict[str, Any]:
    fleet = Fleet(
        db_suffix="_bench",
        env={"RATE_LIMIT_ENABLED": "false", "LOG_LEVEL": "WARNING", "ACCESS_LOG": "false"},
    )
    await asyncio.to_thread(fleet.prepare)
    await asyncio.to_thread(fleet.start_all)
    results: dict[str, Any] = {"closed_loop": [], "open_loop": []}
    try:
        limits = httpx.Limits(max_connections=400, max_keepalive_connections=400)
        async with httpx.AsyncClient(base_url=fleet.gateway, timeout=60, limits=limits) as client:
            admin = await log_in(client, fleet.admin_email, fleet.admin_password)
            product_id = await create_product(admin, stock=1_000_000, price_cents=1500)
            pool = await shopper_pool(client, max(args.pool, 32))
            await wait_until_in_cart_catalog(pool[0][0], product_id)
            await closed_loop(fleet, pool, product_id, 4, 3)  # warm-up
            for concurrency in (1, 8, 32):
                row = await closed_loop(fleet, pool, product_id, concurrency, args.duration)
                results["closed_loop"].append(row)
                print(json.dumps(row), flush=True)
            for rate in args.rates:
                row = await open_loop(fleet, pool, product_id, rate, args.duration)
                results["open_loop"].append(row)
                print(json.dumps(row), flush=True)
        report = await check_invariants(fleet.db_suffix, settle_seconds=60)
        results["invariants"] = report.render()
        print(report.render())
    finally:
        fleet.stop_all()
    return results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--duration", type=float, default=15.0)
    parser.add_argument("--pool", type=int, default=160)
    parser.add_argument("--rates", type=float, nargs="*", default=[20, 40, 60, 80, 100])
    args = parser.parse_args()
    results = asyncio.run(run(args))
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"checkout-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps(results, indent=2))
    print(f"\nwritten {path}")


if __name__ == "__main__":
    main()
