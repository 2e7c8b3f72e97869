"""Search quality: a judged query set over a generated catalog, NDCG@10 and success@1 per class.

    uv run python bench/search_quality.py [--size 10000] [--before CHECKOUT]

The catalog is `seed --synthetic` (seed 7): every product is a brand, a feature, a product type
and a model number (and a colour), with three of its type's description sentences. The
queries are drawn from the same parts with a fixed seed, and judged from how each product was
generated, never from what an engine answers:

- exact names:   a product's whole name; that product 3, the others of its brand, feature and
                 type 1;
- single words:  the last word of a product type ("headphones"); products of that type 2;
- two words:     a feature and a type's word ("wireless headphones"); both 2, the type only 1;
- typos:         a single word with one typo (a letter dropped, doubled, swapped or replaced);
                 judged as the word;
- prefixes:      the start of a type's word, alone or after a feature ("wireless head");
                 judged as the whole words;
- category words: a category's name ("kitchen"); its products 2;
- description words: a word only that type's descriptions use ("cushions"); products whose
                 description holds it 2.

NDCG@10 uses gains 2^grade - 1; success@1 counts a query whose first product has the best
grade any product has for it. Each engine is a checkout of this repository with its own
virtual environment: this one, and with --before another (e.g. `git worktree add
/tmp/search-before main` and `uv sync` there). For each, the catalog is loaded with that
checkout's own migrations and seeder into shop_product_quality_bench, its product service
started (cache off), and every query asked through HTTP. Writes bench/results/.
"""

import argparse
import asyncio
import json
import math
import os
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx
from harness import RESULTS, ROOT, Process, machine

DATABASE = "shop_product_quality_bench"
VHOST = "shop_bench"
SEED = 7
QUERY_SEED = 2026
PER_CLASS = 10
CLASSES = (
    "exact names", "single words", "two words", "typos", "prefixes", "category words",
    "description words",
)  # fmt: skip


@dataclass(frozen=True)
class Generated:
    """A synthetic product as the generator made it."""

    id: str
    name: str
    brand: str
    feature: str
    noun: str
    category: str
    description: str


@dataclass(frozen=True)
class Judged:
    kind: str
    q: str
    grades: dict[str, int]  # product id → grade; the rest 0


def _words(text: str) -> list[str]:
    return "".join(c.lower() if c.isalnum() else " " for c in text).split()


def generated_catalog(size: int) -> list[Generated]:
    from product_service.demo_catalog import categories, synthetic_items

    kinds = [(parts, kind) for parts in categories() for kind in parts.types]
    products = []
    for item in synthetic_items(size, SEED):
        parts, kind = next(
            (p, k) for p, k in kinds if p.name == item.category and f" {k.noun} " in item.name
        )
        brand = next(b for b in parts.brands if item.name.startswith(f"{b} "))
        feature = item.name[len(brand) + 1 : item.name.index(f" {kind.noun} ")]
        products.append(
            Generated(
                str(item.id), item.name, brand, feature, kind.noun, item.category, item.description
            )
        )
    return products


def _typo(word: str, rng: random.Random) -> str:
    at = rng.randint(1, len(word) - 2)
    edit = rng.choice(("drop", "double", "swap", "replace"))
    if edit == "drop":
        return word[:at] + word[at + 1 :]
    if edit == "double":
        return word[:at] + word[at] + word[at:]
    if edit == "swap":
        return word[:at] + word[at + 1] + word[at] + word[at + 2 :]
    letters = [c for c in "aeiourstln" if c != word[at]]
    return word[:at] + rng.choice(letters) + word[at + 1 :]


def judged_queries(products: list[Generated]) -> list[Judged]:
    rng = random.Random(QUERY_SEED)
    nouns = sorted({p.noun for p in products})
    last_word = {noun: _words(noun)[-1] for noun in nouns}
    # Type words of one word of letters, so typos and prefixes stay one word.
    words = sorted({w for w in last_word.values() if w.isalpha() and len(w) >= 5})

    def of_word(word: str) -> dict[str, int]:
        return {p.id: 2 for p in products if last_word[p.noun] == word}

    def of_pair(feature: str, word: str) -> dict[str, int]:
        return {
            p.id: 2 if _words(p.feature) == [feature] else 1
            for p in products
            if last_word[p.noun] == word
        }

    pairs = sorted(
        {
            (_words(p.feature)[0], last_word[p.noun])
            for p in products
            if len(_words(p.feature)) == 1 and _words(p.feature)[0].isalpha()
        }
    )
    queries: list[Judged] = []
    for product in rng.sample(products, PER_CLASS):
        same = {
            p.id: 1
            for p in products
            if (p.brand, p.feature, p.noun) == (product.brand, product.feature, product.noun)
        }
        queries.append(Judged("exact names", product.name, {**same, product.id: 3}))
    for word in rng.sample(words, PER_CLASS):
        queries.append(Judged("single words", word, of_word(word)))
    for feature, word in rng.sample(pairs, PER_CLASS):
        queries.append(Judged("two words", f"{feature} {word}", of_pair(feature, word)))
    for word in rng.sample([w for w in words if len(w) >= 6], PER_CLASS):
        queries.append(Judged("typos", _typo(word, rng), of_word(word)))
    for n, word in enumerate(rng.sample(words, PER_CLASS // 2)):
        queries.append(Judged("prefixes", word[: 3 + n % 3], of_word(word)))
    for feature, word in rng.sample(pairs, PER_CLASS - PER_CLASS // 2):
        typed = f"{feature} {word[: 3 + len(feature) % 3]}"
        queries.append(Judged("prefixes", typed, of_pair(feature, word)))
    for category in sorted({p.category for p in products})[:PER_CLASS]:
        grades = {p.id: 2 for p in products if p.category == category}
        queries.append(Judged("category words", category, grades))
    queries.extend(_description_words(products, rng))
    return queries


def _description_words(products: list[Generated], rng: random.Random) -> list[Judged]:
    """Words of one type's descriptions that no name, category or other type's description
    holds."""
    named = {w for p in products for w in _words(f"{p.name} {p.category}")}
    used_by: dict[str, set[str]] = {}
    for p in products:
        for word in _words(p.description):
            used_by.setdefault(word, set()).add(p.noun)
    candidates = sorted(
        w for w, nouns in used_by.items()
        if len(nouns) == 1 and w not in named and w.isalpha() and len(w) >= 6
    )  # fmt: skip
    queries = []
    for word in rng.sample(candidates, PER_CLASS):
        grades = {p.id: 2 for p in products if word in _words(p.description)}
        queries.append(Judged("description words", word, grades))
    return queries


def ndcg_at_10(ranked: list[str], grades: dict[str, int]) -> float:
    def dcg(gains: list[int]) -> float:
        return sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(gains[:10]))

    ideal = dcg(sorted(grades.values(), reverse=True))
    return dcg([grades.get(i, 0) for i in ranked]) / ideal if ideal else 0.0


def success_at_1(ranked: list[str], grades: dict[str, int]) -> bool:
    return bool(ranked) and grades.get(ranked[0], 0) == max(grades.values())


# Running an engine


def load(args: argparse.Namespace) -> None:
    """Runs in the engine's own environment: its migrations, its seeder."""
    from product_service.config import ProductSettings
    from product_service.seed import add_synthetic
    from service_kit.testing import prepare_database

    settings = ProductSettings(env="test", database_name=DATABASE)

    async def run() -> None:
        await prepare_database(settings, Path(args.checkout) / "product-service")
        await add_synthetic(settings, args.size, seed=SEED)

    asyncio.run(run())


def measure(checkout: Path, size: int, queries: list[Judged], tmp: Path) -> dict[str, object]:
    from catalog import free_port, rabbitmq_vhost, service_env, wait_for_index

    python = str(checkout / ".venv" / "bin" / "python")
    print(f"== {checkout}: loading {size:,} products", flush=True)
    env = {**os.environ, "ENV": "test", "PYTHONPATH": ""}
    subprocess.run(
        [python, __file__, "--load", "--checkout", str(checkout), "--size", str(size)],
        check=True,
        env=env,
        cwd=checkout,
    )
    port = free_port()
    service = Process(
        "product-service",
        [python, "-m", "product_service", "serve"],
        {**service_env(port, rabbitmq_vhost(), 0.0), "DATABASE_NAME": DATABASE},
        tmp / f"product-{checkout.name}.log",
    )
    base = f"http://127.0.0.1:{port}"
    try:
        service.wait_ready(f"{base}/health")
        wait_for_index(base, size)
        rows = []
        with httpx.Client(base_url=base, timeout=30) as client:
            for query in queries:
                started = time.perf_counter()
                response = client.get("/api/products", params={"q": query.q, "limit": 10})
                elapsed = time.perf_counter() - started
                response.raise_for_status()
                body = response.json()
                ranked = [item["id"] for item in body["items"]]
                rows.append(
                    {
                        "class": query.kind,
                        "q": query.q,
                        "ndcg10": round(ndcg_at_10(ranked, query.grades), 4),
                        "success1": success_at_1(ranked, query.grades),
                        "total": body["total"],
                        "corrected": body.get("corrected_query"),
                        "ms": round(1000 * elapsed, 2),
                    }
                )
    finally:
        service.stop()
    return {"checkout": str(checkout), "queries": rows}


def summary(rows: list[dict[str, object]]) -> dict[str, tuple[float, float, int]]:
    """Per class and overall: mean NDCG@10, success@1 rate, queries."""
    found = {}
    for kind in (*CLASSES, "all"):
        mine = [r for r in rows if kind == "all" or r["class"] == kind]
        ndcg: Callable[[dict[str, object]], float] = lambda r: float(r["ndcg10"])  # type: ignore[arg-type]  # noqa: E731
        found[kind] = (
            sum(ndcg(r) for r in mine) / len(mine),
            sum(bool(r["success1"]) for r in mine) / len(mine),
            len(mine),
        )
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--before", type=Path, help="a checkout with the engine to compare")
    parser.add_argument("--load", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--checkout", default=str(ROOT), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.load:
        load(args)
        return
    queries = judged_queries(generated_catalog(args.size))
    print(f"{len(queries)} judged queries over {args.size:,} products", flush=True)
    about = machine()
    about["load_average_at_start"] = os.getloadavg()
    engines = {}
    with tempfile.TemporaryDirectory(prefix="search-quality-") as tmp:
        if args.before is not None:
            engines["before"] = measure(args.before.resolve(), args.size, queries, Path(tmp))
        engines["after"] = measure(ROOT, args.size, queries, Path(tmp))
    about["load_average_at_end"] = os.getloadavg()
    summaries = {name: summary(run["queries"]) for name, run in engines.items()}  # type: ignore[arg-type]
    header = " | ".join(f"{name} NDCG@10 | {name} success@1" for name in summaries)
    print(f"\n| class | queries | {header} |")
    print("|---|---:|" + "---:|" * 2 * len(summaries))
    for kind in (*CLASSES, "all"):
        cells = " | ".join(f"{s[kind][0]:.3f} | {s[kind][1]:.0%}" for s in summaries.values())
        print(f"| {kind} | {next(iter(summaries.values()))[kind][2]} | {cells} |")
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"search-quality-{datetime.now(UTC).strftime('%Y%m%dT%H%M%SZ')}.json"
    out.write_text(
        json.dumps(
            {"machine": about, "size": args.size, "engines": engines, "summary": summaries},
            indent=2,
        )
    )
    print(f"\nwritten to {out.relative_to(ROOT)}")


if __name__ == "__main__":
    sys.exit(main())
