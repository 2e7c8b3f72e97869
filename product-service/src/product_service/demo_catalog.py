"""The demo catalog, composed deterministically from parts (data/catalog_parts.json):
categories, product types, brands, features, colours, attribute choices and description
sentences. The same parts make the 240-product demo and, with model numbers, synthetic catalogs
of any size for benchmarks."""

import json
import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

PARTS_FILE = Path(__file__).parent / "data" / "catalog_parts.json"
DEMO_NAMESPACE = uuid.UUID("6f1c3a52-8a0e-4d6b-9d63-2b1f0c9e7a41")
SENTENCES_PER_DESCRIPTION = 3


@dataclass(frozen=True)
class ProductType:
    noun: str
    price_cents: tuple[int, int]
    features: tuple[str, ...]
    sentences: tuple[str, ...]
    attributes: dict[str, tuple[Any, ...]]


@dataclass(frozen=True)
class CategoryParts:
    name: str
    color: str  # of its generated pictures
    brands: tuple[str, ...]
    colors: tuple[str, ...]  # product colours; none for books and the like
    types: tuple[ProductType, ...]


@dataclass(frozen=True)
class CatalogItem:
    id: uuid.UUID
    name: str
    description: str
    price_cents: int
    category: str
    stock: int
    attributes: dict[str, Any]


@cache
def categories() -> tuple[CategoryParts, ...]:
    raw = json.loads(PARTS_FILE.read_text(encoding="utf-8"))
    return tuple(
        CategoryParts(
            name=c["name"],
            color=c["color"],
            brands=tuple(c["brands"]),
            colors=tuple(c["colors"]),
            types=tuple(
                ProductType(
                    noun=t["noun"],
                    price_cents=(t["price_cents"][0], t["price_cents"][1]),
                    features=tuple(t["features"]),
                    sentences=tuple(t["sentences"]),
                    attributes={k: tuple(v) for k, v in t["attributes"].items()},
                )
                for t in c["types"]
            ),
        )
        for c in raw["categories"]
    )


def category_color(category: str) -> str | None:
    return next((c.color for c in categories() if c.name == category), None)


def _price(rng: random.Random, low: int, high: int) -> int:
    """A shop price: whole units ending in 9 (from 10 up), and 99 cents."""
    units = rng.randint(low // 100, high // 100)
    if units >= 10:
        units = units - units % 10 + 9
    return units * 100 + 99


def _compose(
    rng: random.Random,
    parts: CategoryParts,
    kind: ProductType,
    *,
    item_id: uuid.UUID | None,
    brand: str,
    name: str,
    color: str | None,
) -> CatalogItem:
    description = " ".join(rng.sample(kind.sentences, k=SENTENCES_PER_DESCRIPTION))
    attributes: dict[str, Any] = {"brand": brand}
    if color:
        attributes["color"] = color.lower()
    for key, options in kind.attributes.items():
        attributes[key] = rng.choice(options)
    stock = 0 if rng.random() < 0.08 else rng.randint(1, 250)
    return CatalogItem(
        id=item_id or uuid.uuid5(DEMO_NAMESPACE, name),
        name=name,
        description=description,
        price_cents=_price(rng, *kind.price_cents),
        category=parts.name,
        stock=stock,
        attributes=attributes,
    )


def demo_items() -> list[CatalogItem]:
    """The demo catalog: for every product type, one product from each brand, with ids that are
    the same on every machine."""
    items = []
    for parts in categories():
        for kind in parts.types:
            rng = random.Random(f"{parts.name}/{kind.noun}")
            features = rng.sample(kind.features, k=len(parts.brands))
            for brand, feature in zip(parts.brands, features, strict=True):
                color = rng.choice(parts.colors) if parts.colors else None
                name = f"{brand} {feature} {kind.noun}"
                items.append(
                    _compose(rng, parts, kind, item_id=None, brand=brand, name=name, color=color)
                )
    return items


def synthetic_items(count: int, seed: int = 7) -> Iterator[CatalogItem]:
    """`count` plausible products (brand, feature, type, model number, colour), the same for a
    seed; ids come from the seed too, so use another seed to add another batch."""
    rng = random.Random(seed)
    kinds = [(parts, kind) for parts in categories() for kind in parts.types]
    for _ in range(count):
        parts, kind = rng.choice(kinds)
        brand = rng.choice(parts.brands)
        color = rng.choice(parts.colors) if parts.colors else None
        model = f"{rng.choice('ACDEGHKMRSTVXZ')}{rng.randint(10, 990)}"
        name = f"{brand} {rng.choice(kind.features)} {kind.noun} {model}"
        if color:
            name += f", {color}"
        item_id = uuid.UUID(int=rng.getrandbits(128), version=4)
        yield _compose(rng, parts, kind, item_id=item_id, brand=brand, name=name, color=color)
