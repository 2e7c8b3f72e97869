"""How a replica's search index comes up: built from PostgreSQL at every start, against an
index kept on disk that is opened and caught up from a change cursor.

    uv run python bench/search_startup.py [--size 100000] [--reuse] [--changed 0.01]

On a catalog of `--size` synthetic products (in shop_product_catalog_bench, as
bench/catalog.py loads it; `--reuse` keeps the one there):
- build: what the service does at start (`LiveSearchIndex.rebuild`: every live product read
  in batches, indexed in memory, one commit), three times;
- on disk: the same index written to a directory once; then, three times, opened again, its
  newest `updated_at` taken as the cursor, `--changed` of the products touched since, and
  the rows changed after the cursor read and written (deletions included: a deleted product
  keeps its row with `deleted_at`).
Prints the times and the process's memory after each.
"""

import argparse
import asyncio
import re
import resource
import tempfile
import time
from pathlib import Path

import asyncpg
import tantivy
from catalog import load_catalog, settings
from product_service import repository
from product_service.search import documents, engine
from product_service.search.live import LiveSearchIndex


def rss_mb() -> float:
    found = re.search(r"VmRSS:\s+(\d+) kB", Path("/proc/self/status").read_text())
    return int(found.group(1)) / 1024 if found else 0.0


async def build_in_memory(pool: asyncpg.Pool, dsn: str) -> float:
    live = LiveSearchIndex(dsn, pool)
    started = time.perf_counter()
    await live.rebuild()
    return time.perf_counter() - started


def _write_all(index: tantivy.Index, products: list[documents.IndexedProduct]) -> None:
    writer = index.writer(engine.WRITER_HEAP_BYTES, 1)
    for product in products:
        writer.add_document(documents.document(product))
    writer.commit()
    writer.wait_merging_threads()


async def on_disk(pool: asyncpg.Pool, directory: Path, changed: float) -> tuple[float, float]:
    """Open the kept index and catch up: (seconds to open, seconds to catch up)."""
    started = time.perf_counter()
    index = tantivy.Index.open(str(directory))
    index.register_tokenizer(documents.ANALYZER, documents.analyzer())
    index.reload()
    searcher = index.searcher()
    assert searcher.num_docs > 0
    opened = time.perf_counter() - started
    async with pool.acquire() as conn:
        cursor = await conn.fetchval("SELECT max(updated_at) FROM products")
        await conn.execute(
            "UPDATE products SET updated_at = now() WHERE id IN"
            " (SELECT id FROM products TABLESAMPLE BERNOULLI ($1))",
            100 * changed,
        )
        started = time.perf_counter()
        rows = await conn.fetch(
            "SELECT id, name, description, category, attributes, price_cents, stock,"
            " created_at, deleted_at FROM products WHERE updated_at > $1",
            cursor,
        )
    writer = index.writer(engine.WRITER_HEAP_BYTES, 1)
    for row in rows:
        writer.delete_documents_by_term("id", str(row["id"]))
        if row["deleted_at"] is None:
            fields = dict(row.items())
            del fields["deleted_at"]
            writer.add_document(documents.document(documents.IndexedProduct(**fields)))
    writer.commit()
    index.reload()
    return opened, time.perf_counter() - started


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--reuse", action="store_true", help="keep the catalog already loaded")
    parser.add_argument("--changed", type=float, default=0.01)
    args = parser.parse_args()
    if not args.reuse:
        await load_catalog(args.size)
    config = settings()
    pool = await asyncpg.create_pool(config.database_dsn, min_size=1, max_size=4)
    print(f"catalog of {args.size:,}; memory at start {rss_mb():.0f} MB", flush=True)
    try:
        for run in range(3):
            seconds = await build_in_memory(pool, config.database_dsn)
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            print(
                f"build from PostgreSQL #{run + 1}: {seconds:.2f} s; RSS {rss_mb():.0f} MB"
                f" (peak {peak:.0f} MB)",
                flush=True,
            )
        with tempfile.TemporaryDirectory(prefix="search-index-") as tmp:
            async with pool.acquire() as conn, conn.transaction(readonly=True):
                products = [
                    documents.IndexedProduct(*record)
                    async for records in repository.indexed_products(conn, 10_000)
                    for record in records
                ]
            index = tantivy.Index(documents.SCHEMA, path=tmp)
            index.register_tokenizer(documents.ANALYZER, documents.analyzer())
            started = time.perf_counter()
            await asyncio.to_thread(_write_all, index, products)
            size = sum(f.stat().st_size for f in Path(tmp).iterdir()) / 2**20
            print(f"written to disk once: {time.perf_counter() - started:.2f} s, {size:.0f} MB")
            del index, products
            for run in range(3):
                opened, caught_up = await on_disk(pool, Path(tmp), args.changed)
                print(
                    f"open from disk #{run + 1}: {opened:.3f} s, catch up {args.changed:.0%}"
                    f" changed: {caught_up:.2f} s; RSS {rss_mb():.0f} MB",
                    flush=True,
                )
    finally:
        await pool.close()


if __name__ == "__main__":
    asyncio.run(main())
