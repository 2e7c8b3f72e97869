"""What the recommender is built from: the catalog and the paid orders, as plain values (the
service loads them from its read model; the benchmark generates them)."""

import uuid
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class CatalogItem:
    product_id: uuid.UUID
    name: str
    category: str
    description: str = ""


@dataclass(frozen=True, slots=True)
class Basket:
    """The products of one paid order (each once, whatever the quantity)."""

    products: tuple[uuid.UUID, ...]


def category_label(category: str) -> str:
    """'home-kitchen' → 'Home kitchen': a slug as a shopper reads it."""
    words = category.replace("-", " ").replace("_", " ").strip()
    return words[:1].upper() + words[1:] if words else "the catalog"
