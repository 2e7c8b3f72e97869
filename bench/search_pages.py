"""What the kept product JSON (search/fragments.py) saves a search page, in-process.

    uv run python bench/search_pages.py [--rounds 15]

On the catalog bench/catalog.py left in shop_product_catalog_bench (run that first), with this
process's own search index: for each of catalog.py's 20 searches, the median time of a whole
uncached page (search, products, body: `routes._search_page`) with the products' JSON kept
(warm: every page asked once before) and with nothing kept (each page's products read from
PostgreSQL and validated and dumped by pydantic). Also the index's search alone.
"""

import argparse
import asyncio
import statistics
import time

from catalog import SEARCHES, settings
from product_service import routes
from product_service.search.live import LiveSearchIndex
from product_service.search.query import SearchRequest, filters_from
from service_kit.pg import Database, create_pool


def requests() -> list[SearchRequest]:
    return [
        SearchRequest(
            q=p.get("q"),
            filters=filters_from(
                p.get("category"), None, p.get("max_price_cents"), p.get("in_stock") == "true"
            ),
            sort=p.get("sort", "relevance"),
        )
        for p in SEARCHES
    ]


async def median_ms(run, rounds: int) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        await run()
        times.append(time.perf_counter() - started)
    return 1000 * statistics.median(times)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    config = settings()
    database = Database(await create_pool(config), "bench")
    kept = LiveSearchIndex(config.database_dsn, database.pool)
    none_kept = LiveSearchIndex(config.database_dsn, database.pool, fragment_products=0)
    await kept.rebuild()
    none_kept.index = kept.index
    print(f"{len(kept.index or ())} products; machine load {__import__('os').getloadavg()}")
    totals = {"index search": 0.0, "page, JSON kept": 0.0, "page, nothing kept": 0.0}
    try:
        for request in requests():
            for _ in range(2):  # the kept JSON filled
                await routes._search_page(database, request, kept)()
            found = {
                "index search": await median_ms(lambda r=request: kept.search(r), args.rounds),
                "page, JSON kept": await median_ms(
                    routes._search_page(database, request, kept), args.rounds
                ),
                "page, nothing kept": await median_ms(
                    routes._search_page(database, request, none_kept), args.rounds
                ),
            }
            for name, ms in found.items():
                totals[name] += ms
            print(request.q, {k: round(v, 2) for k, v in found.items()}, flush=True)
        print("sum of the medians (ms):", {k: round(v, 1) for k, v in totals.items()})
    finally:
        await database.pool.close()


if __name__ == "__main__":
    asyncio.run(main())
