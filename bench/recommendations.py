"""Quality of the local recommender on a generated shop with planted structure.

    uv run python bench/recommendations.py [--products 1000] [--orders 20000] [--seed 20261206]

The catalog comes from the demo catalog's parts (brands, features, product types and their
sentences, ten categories). The order history is generated with structure a recommender
should find, and noise it should not be fooled by:

- complements: every product has one to three complements, mostly in other categories (a
  camera and a bag from "sports"), so only co-purchases reveal them;
- category affinity: every customer prefers one or two categories, and a second item of an
  order is often of the same category and type as the first (content similarity finds these,
  also for products with no sales yet);
- popular items: products are drawn from a Zipf-like popularity;
- noise: an item drawn from the whole catalog now and then;
- new products: a fifth of the catalog is launched during the history (from the middle of it
  on), so some products have few or no sales when the model is built.

Orders are split by time: the first 80 % build the model, the rest are held out. For every
held-out order with two or more products and every ordered pair (a, b) of its products, the
question is whether related(a) ranks b: HitRate@4 (the product page shows four), HitRate@10
and MRR (over the first 50). Methods: random, popularity (best sellers of the training
orders), content only, co-purchase only, and the blend the service uses, all through the
service's own model code (`build_snapshot`, `Snapshot.related`, `Snapshot.popular` to fill up,
as the service does). A small grid of blend weights (the content weight, and the evidence
that hands a product over from content to co-purchases) is scored on a validation split (the
last eighth of the training orders): the service's weights are chosen there; the test split
is scored once per method.
"""

import argparse
import json
import os
import random
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

import numpy as np
from recommendation_service.recommender import (
    Basket,
    BlendWeights,
    CatalogItem,
    Snapshot,
    build_snapshot,
)
from rich.console import Console
from rich.progress import track
from rich.table import Table

ROOT = Path(__file__).resolve().parents[1]
PARTS = ROOT / "product-service/src/product_service/data/catalog_parts.json"
RESULTS = ROOT / "bench/results"
DEPTH = 50  # ranks looked at for MRR

console = Console()


@dataclass(frozen=True)
class Order:
    at: int  # time order
    user: int
    products: tuple[int, ...]


@dataclass(frozen=True)
class Shop:
    items: list[CatalogItem]
    kinds: list[tuple[str, str]]  # (category, type) of each product
    orders: list[Order]


def generate(n_products: int, n_orders: int, n_users: int, seed: int) -> Shop:
    rng = random.Random(seed)
    parts = json.loads(PARTS.read_text())["categories"]
    items: list[CatalogItem] = []
    kinds: list[tuple[str, str]] = []
    for i in range(n_products):
        category = parts[i % len(parts)]
        kind = rng.choice(category["types"])
        name = f"{rng.choice(category['brands'])} {rng.choice(kind['features'])} {kind['noun']}"
        sentences = rng.sample(kind["sentences"], k=min(2, len(kind["sentences"])))
        items.append(
            CatalogItem(
                uuid.UUID(int=rng.getrandbits(128)), name, category["name"], " ".join(sentences)
            )
        )
        kinds.append((category["name"], kind["noun"]))
    by_category: dict[str, list[int]] = {}
    by_kind: dict[tuple[str, str], list[int]] = {}
    for i, (category, noun) in enumerate(kinds):
        by_category.setdefault(category, []).append(i)
        by_kind.setdefault((category, noun), []).append(i)
    categories = sorted(by_category)
    # Complements: mostly another category's products.
    complements = []
    for i in range(n_products):
        count = rng.randint(1, 3)
        chosen = []
        for _ in range(count):
            if rng.random() < 0.8:
                other = rng.choice([c for c in categories if c != kinds[i][0]])
                chosen.append(rng.choice(by_category[other]))
            else:
                chosen.append(rng.choice(by_category[kinds[i][0]]))
        complements.append([c for c in chosen if c != i])
    # Popularity: Zipf-like over a random order of the products.
    ranks = list(range(n_products))
    rng.shuffle(ranks)
    weights = np.array([1.0 / (1 + r) ** 0.9 for r in ranks])
    launched = [
        0 if rng.random() < 0.8 else rng.randint(n_orders // 2, n_orders * 19 // 20)
        for _ in range(n_products)
    ]
    users = [rng.sample(categories, k=rng.choice((1, 2))) for _ in range(n_users)]
    everything = list(range(n_products))

    def on_sale(at: int, candidates: list[int], weighted: bool = True) -> int | None:
        """A product drawn from `candidates` (by popularity, or evenly) that is sold at `at`."""
        for _ in range(20):
            if weighted:
                product = rng.choices(candidates, weights=weights[candidates].tolist())[0]
            else:
                product = rng.choice(candidates)
            if launched[product] <= at:
                return product
        return None

    orders: list[Order] = []
    for at in range(n_orders):
        user = rng.randrange(n_users)
        pool = [i for c in users[user] for i in by_category[c]]
        anchor = on_sale(at, pool if rng.random() < 0.7 else everything)
        if anchor is None:
            continue
        basket = {anchor}
        if complements[anchor] and rng.random() < 0.55:
            basket.add(on_sale(at, complements[anchor], weighted=False) or anchor)
        if rng.random() < 0.35:
            same = by_kind[kinds[anchor]] if rng.random() < 0.6 else by_category[kinds[anchor][0]]
            basket.add(on_sale(at, same, weighted=False) or anchor)
        if rng.random() < 0.25:  # noise: a popular product from anywhere
            basket.add(on_sale(at, everything) or anchor)
        orders.append(Order(at, user, tuple(sorted(basket))))
    return Shop(items, kinds, orders)


def pairs(orders: Sequence[Order]) -> list[tuple[int, int]]:
    return [
        (a, b)
        for o in orders
        if len(o.products) > 1
        for a in o.products
        for b in o.products
        if a != b
    ]


Ranker = Callable[[int], list[int]]


def snapshot_ranker(shop: Shop, snapshot: Snapshot) -> Ranker:
    index = {item.product_id: i for i, item in enumerate(shop.items)}

    def rank(a: int) -> list[int]:
        product_id = shop.items[a].product_id
        related = [s.product_id for s in snapshot.related(product_id)]
        fill = (s.product_id for s in snapshot.popular(exclude=[product_id, *related]))
        return [index[p] for p in [*related, *islice(fill, max(0, DEPTH - len(related)))]][:DEPTH]

    return rank


def random_ranker(n: int, seed: int) -> Ranker:
    rng = random.Random(seed)

    def rank(a: int) -> list[int]:
        return [i for i in rng.sample(range(n), k=min(n, DEPTH + 1)) if i != a][:DEPTH]

    return rank


def score(ranker: Ranker, held_out: Sequence[tuple[int, int]], label: str) -> dict[str, float]:
    hits4 = hits10 = 0
    reciprocal = 0.0
    cache: dict[int, list[int]] = {}
    for a, b in track(held_out, description=f"{label:<16}", console=console, transient=True):
        ranked = cache.get(a)
        if ranked is None:
            ranked = cache[a] = ranker(a)
        if b in ranked:
            position = ranked.index(b) + 1
            hits4 += position <= 4
            hits10 += position <= 10
            reciprocal += 1 / position
    n = len(held_out) or 1
    return {"hit@4": hits4 / n, "hit@10": hits10 / n, "mrr": reciprocal / n}


def build(shop: Shop, orders: Sequence[Order], weights: BlendWeights) -> tuple[Snapshot, float]:
    baskets = [Basket(tuple(shop.items[i].product_id for i in o.products)) for o in orders]
    started = time.process_time()
    snapshot = build_snapshot(1, shop.items, baskets, weights=weights, k=DEPTH)
    return snapshot, time.process_time() - started


METHODS = {
    "content only": BlendWeights(content=1.0, copurchase=0.0, popularity=0.0),
    "co-purchase only": BlendWeights(content=0.0, copurchase=1.0, popularity=0.0),
    "blend": BlendWeights(),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--products", type=int, default=1000)
    parser.add_argument("--orders", type=int, default=20_000)
    parser.add_argument("--users", type=int, default=3_000)
    parser.add_argument("--seed", type=int, default=20261206)
    args = parser.parse_args()

    load = os.getloadavg()
    shop = generate(args.products, args.orders, args.users, args.seed)
    cut = int(len(shop.orders) * 0.8)
    train, test = shop.orders[:cut], shop.orders[cut:]
    fit, validation = train[: int(cut * 7 / 8)], train[int(cut * 7 / 8) :]
    held_out = pairs(test)
    console.print(
        f"{len(shop.items)} products, {len(train)} training orders, {len(test)} held out "
        f"({len(held_out)} co-purchase pairs); seed {args.seed}; load {load[0]:.2f}"
    )

    results: dict[str, dict[str, float]] = {}
    results["random"] = score(random_ranker(len(shop.items), args.seed), held_out, "random")
    no_signal = BlendWeights(content=0.0, copurchase=0.0, popularity=0.0)
    popular, _ = build(shop, train, no_signal)
    results["popularity"] = score(snapshot_ranker(shop, popular), held_out, "popularity")
    build_seconds: dict[str, float] = {}
    for label, weights in METHODS.items():
        snapshot, seconds = build(shop, train, weights)
        build_seconds[label] = seconds
        results[label] = score(snapshot_ranker(shop, snapshot), held_out, label)

    table = Table(title="Held-out co-purchases (test split)")
    for column in ("method", "HitRate@4", "HitRate@10", "MRR"):
        table.add_column(column, justify="right" if column != "method" else "left")
    for label, r in results.items():
        table.add_row(label, f"{r['hit@4']:.3f}", f"{r['hit@10']:.3f}", f"{r['mrr']:.3f}")
    console.print(table)
    blend, pop = results["blend"], results["popularity"]
    ratio = blend["hit@10"] / pop["hit@10"] if pop["hit@10"] else float("inf")
    beats = all(
        blend["hit@10"] > results[m]["hit@10"] for m in ("content only", "co-purchase only")
    )
    console.print(
        f"blend / popularity on HitRate@10: {ratio:.2f}x (target >= 2); "
        f"blend beats both single signals on HitRate@10: {beats}"
    )

    grid = Table(title="Blend weights on the validation split (HitRate@10 / MRR)")
    grid.add_column("content weight")
    evidences = (1.0, 3.0, 10.0, float("inf"))
    for evidence in evidences:
        grid.add_column(f"evidence {evidence:g}", justify="right")
    validation_pairs = pairs(validation)
    sweep: dict[str, dict[str, float]] = {}
    for content in (0.1, 0.2, 0.35, 0.5, 1.0):
        row = [f"{content:g}"]
        for evidence in evidences:
            weights = BlendWeights(content=content, evidence=evidence)
            snapshot, _ = build(shop, fit, weights)
            label = f"c={content:g} e={evidence:g}"
            r = score(snapshot_ranker(shop, snapshot), validation_pairs, label)
            sweep[f"content={content:g},evidence={evidence:g}"] = r
            row.append(f"{r['hit@10']:.3f} / {r['mrr']:.3f}")
        grid.add_row(*row)
    console.print(grid)

    snapshot, _ = build(shop, train, BlendWeights())
    ids = [item.product_id for item in shop.items]
    started = time.perf_counter()
    for product_id in ids * 5:
        snapshot.related(product_id)
    lookup_us = (time.perf_counter() - started) / (len(ids) * 5) * 1e6
    console.print(
        "model build CPU time: "
        + ", ".join(f"{k} {v * 1000:.0f} ms" for k, v in build_seconds.items())
        + f"; related() lookup {lookup_us:.0f} µs"
    )
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"recommendations-{time.strftime('%Y%m%dT%H%M%S')}.json"
    out.write_text(
        json.dumps(
            {
                "args": vars(args),
                "load_before": load,
                "load_after": os.getloadavg(),
                "test": results,
                "validation_grid": sweep,
                "build_cpu_seconds": build_seconds,
                "related_lookup_us": lookup_us,
            },
            indent=2,
        )
    )
    console.print(f"written {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
