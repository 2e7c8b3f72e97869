"""The catalog benchmark's searches answered through the search index and through PostgreSQL
alone: the same page ids, facets and corrections for every search, sort and offset.

    uv run python bench/search_parity.py [--size 100000] [--reuse]

Loads a fresh synthetic catalog of --size products into the catalog benchmark's database
(`catalog.py` leaves its largest one there: --reuse keeps it), loads the index as the service
does at start-up (printing its duration and the process's memory before and after), then
compares. Exits 1 on any difference.
"""

import argparse
import asyncio
import re
import sys
import time
from pathlib import Path

from catalog import DATABASE, SEARCHES, load_catalog, settings
from product_service import service
from product_service.search import SearchRequest, filters_from
from product_service.search_sync import LiveSearchIndex
from service_kit.db import create_engine, create_session_factory
from service_kit.pg import create_pool

SORTS = ("relevance", "price_asc", "price_desc", "newest", "name")
OFFSETS = (0, 20, 40)


def rss_mb() -> float:
    found = re.search(r"VmRSS:\s+(\d+) kB", Path("/proc/self/status").read_text())
    return int(found.group(1)) / 1024 if found else 0.0


async def compare(size: int, reuse: bool) -> int:
    config = settings()
    if not reuse:
        await load_catalog(size)
    pool = await create_pool(config)
    engine = create_engine(config)
    sessions = create_session_factory(engine, config)
    live = LiveSearchIndex(config.database_dsn, pool)
    before = rss_mb()
    started = time.monotonic()
    live.start()
    await live.wait_ready(600)
    assert live.index is not None
    print(
        f"{DATABASE}: {len(live.index):,} products indexed in {time.monotonic() - started:.2f}s;"
        f" memory {before:.0f} → {rss_mb():.0f} MB",
        flush=True,
    )
    same = differ = 0
    try:
        async with sessions() as session:
            for params in SEARCHES:
                for sort in SORTS:
                    for offset in OFFSETS:
                        request = SearchRequest(
                            q=str(params["q"]),
                            filters=filters_from(
                                params.get("category"),
                                _int(params.get("min_price_cents")),
                                _int(params.get("max_price_cents")),
                                params.get("in_stock") == "true",
                            ),
                            sort=sort,  # type: ignore[arg-type]
                            offset=offset,
                        )
                        indexed = await service._search(session, request, live)
                        alone = await service._search(session, request, None)
                        if indexed == alone:
                            same += 1
                        else:
                            differ += 1
                            print(f"differs: {params} {sort} offset {offset}", flush=True)
    finally:
        await live.stop()
        await pool.close()
        await engine.dispose()
    print(f"same answer through the index and PostgreSQL: {same} of {same + differ}")
    return 0 if differ == 0 else 1


def _int(value: object) -> int | None:
    return None if value is None else int(str(value))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--reuse", action="store_true", help="keep the catalog already loaded")
    args = parser.parse_args()
    sys.exit(asyncio.run(compare(args.size, args.reuse)))


if __name__ == "__main__":
    main()
