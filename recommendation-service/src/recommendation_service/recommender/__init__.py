"""The local recommender: content similarity (TF-IDF) blended with co-purchase similarity,
built in the background into a `Snapshot` that requests only read."""

from recommendation_service.recommender.catalog import Basket, CatalogItem, category_label
from recommendation_service.recommender.model import (
    BlendWeights,
    Snapshot,
    Suggestion,
    build_snapshot,
)

__all__ = [
    "Basket",
    "BlendWeights",
    "CatalogItem",
    "Snapshot",
    "Suggestion",
    "build_snapshot",
    "category_label",
]
