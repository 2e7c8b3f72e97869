"""`python -m product_service seed`: the demo catalog, only into an empty catalog, through the
normal use case (so product.created events tell inventory, cart and the others).

`seed --synthetic N` adds N generated products with COPY, for benchmarks. It bypasses the
outbox on purpose (100k events would only flood the other services), so use it on a database
of its own, such as the benchmark's.
"""

import argparse
import asyncio
import json
import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from service_kit.config import ServiceSettings
from service_kit.db import create_engine, create_session_factory

from product_service import repository, service
from product_service.catalog_rules import placeholder_image_url
from product_service.demo_catalog import CatalogItem, demo_items, synthetic_items

COPY_BATCH = 10_000
SYNTHETIC_SPAN = timedelta(days=730)


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--synthetic",
        type=int,
        metavar="N",
        help="add N generated products straight into the table (benchmarks; no events)",
    )
    parser.add_argument("--seed", type=int, default=7, help="random seed of --synthetic")


def command(args: argparse.Namespace, settings: ServiceSettings) -> int:
    if args.synthetic is not None:
        if args.synthetic < 1:
            print("--synthetic needs a positive number of products")
            return 2
        added = asyncio.run(add_synthetic(settings, args.synthetic, args.seed))
        print(f"{settings.service_name}: added {added} synthetic products (no events published)")
        return 0
    added = asyncio.run(seed_demo(settings))
    if added:
        print(f"{settings.service_name}: seeded {added} demo products")
    else:
        print(f"{settings.service_name}: the catalog is not empty; demo products not added")
    return 0


async def seed_demo(settings: ServiceSettings) -> int:
    """Add the demo catalog if the catalog has never had a product. Returns how many."""
    engine = create_engine(settings)
    try:
        async with create_session_factory(engine, settings)() as session, session.begin():
            await repository.lock_seeding(session)
            if await repository.count_products(session):
                return 0
            items = demo_items()
            for item in items:
                await service.create_product(
                    session,
                    product_id=item.id,
                    name=item.name,
                    description=item.description,
                    price_cents=item.price_cents,
                    category=item.category,
                    currency=getattr(settings, "currency", "USD"),
                    stock=item.stock,
                    attributes=item.attributes,
                )
            return len(items)
    finally:
        await engine.dispose()


async def add_synthetic(settings: ServiceSettings, count: int, seed: int = 7) -> int:
    engine = create_engine(settings)
    currency = getattr(settings, "currency", "USD")
    try:
        async with create_session_factory(engine, settings)() as session, session.begin():
            await repository.lock_seeding(session)
            items = synthetic_items(count, seed)
            rng = random.Random(seed)
            now = datetime.now(UTC)
            added = 0
            while batch := [_row(item, currency, rng, now) for item in _take(items, COPY_BATCH)]:
                await repository.copy_products(session, batch)
                added += len(batch)
        await repository.vacuum_analyze(engine)
        return added
    finally:
        await engine.dispose()


def _take(items: Iterator[CatalogItem], n: int) -> Iterator[CatalogItem]:
    for _, item in zip(range(n), items, strict=False):
        yield item


def _row(item: CatalogItem, currency: str, rng: random.Random, now: datetime) -> tuple[Any, ...]:
    created = now - SYNTHETIC_SPAN * rng.random()
    return (
        item.id,
        item.name,
        item.description,
        item.price_cents,
        currency,
        item.category,
        item.stock,
        placeholder_image_url(item.id),
        json.dumps(item.attributes),
        created,
        created,
    )
