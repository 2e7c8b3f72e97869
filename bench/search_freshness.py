"""How soon another replica's search index shows a change, from its commit.

    uv run python bench/search_freshness.py [--changes 50] [--size 1000]

A catalog of `--size` synthetic products in shop_product_freshness_bench; one search index
(as a replica has, in this process) follows it. Each change is a price set through SQL (as
another replica's write commits it); the time is from the commit's return until this index's
search shows the new price, polled every 0.5 ms. Prints the median, the 90th percentile and
the longest.
"""

import argparse
import asyncio
import statistics
import time

from catalog import SERVICE_DIR
from product_service.config import ProductSettings
from product_service.search.live import LiveSearchIndex
from product_service.search.query import Filters, SearchRequest
from product_service.seed import add_synthetic
from service_kit.pg import create_pool
from service_kit.testing import prepare_database

DATABASE = "shop_product_freshness_bench"


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--changes", type=int, default=50)
    parser.add_argument("--size", type=int, default=1000)
    args = parser.parse_args()
    settings = ProductSettings(env="test", database_name=DATABASE)
    await prepare_database(settings, SERVICE_DIR)
    await add_synthetic(settings, args.size, seed=7)
    pool = await create_pool(settings)
    live = LiveSearchIndex(settings.database_dsn, pool)
    live.start()
    await live.wait_ready(60)
    delays = []
    try:
        async with pool.acquire() as conn:
            ids = [
                r["id"] for r in await conn.fetch("SELECT id FROM products LIMIT $1", args.changes)
            ]
            for n, product_id in enumerate(ids):
                price = 100_000 + n
                await conn.execute(
                    "UPDATE products SET price_cents = $2 WHERE id = $1", product_id, price
                )
                committed = time.perf_counter()
                wanted = SearchRequest(
                    q=None, filters=Filters(min_price_cents=price, max_price_cents=price)
                )
                while product_id not in (await live.search(wanted)).product_ids:
                    await asyncio.sleep(0.0005)
                delays.append(1000 * (time.perf_counter() - committed))
    finally:
        await live.stop()
        await pool.close()
    delays.sort()
    print(
        f"{len(delays)} changes: median {statistics.median(delays):.1f} ms, 90th percentile"
        f" {delays[int(0.9 * len(delays))]:.1f} ms, longest {delays[-1]:.1f} ms"
    )


if __name__ == "__main__":
    asyncio.run(main())
