"""What a search means, apart from the engine: the words of a query, its filters and sort, and
the facets assembled from per-category counts.

A query is cut into words of letters and digits only, so no query syntax of any kind reaches
the engine (`&`, `|`, `!`, `:`, `*`, quotes, parentheses are separators).
"""

import re
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Literal

from product_service.catalog_rules import category_key

MAX_WORDS = 8
MAX_WORD_LENGTH = 40
# Words shorter than this are not spell-corrected: one typo away from a short word is mostly
# another real word.
MIN_CORRECTABLE_LENGTH = 4

_WORD = re.compile(r"[^\W_]+")

SortOrder = Literal["relevance", "price_asc", "price_desc", "newest", "name"]


def words_of(text: str | None) -> list[str]:
    """The searchable words of `text`, lower case, at most MAX_WORDS, duplicates dropped."""
    if not text:
        return []
    found: list[str] = []
    for match in _WORD.finditer(text.lower()):
        word = match.group()[:MAX_WORD_LENGTH]
        if word not in found:
            found.append(word)
        if len(found) == MAX_WORDS:
            break
    return found


def edit_distance(a: str, b: str) -> int:
    """Optimal string alignment distance: insertions, deletions, substitutions and swaps of
    neighbours each cost 1 (the typos people make)."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[len(b)]


def max_typos(word: str) -> int:
    """How many typos a correction may assume: one in a short word, two in a longer one."""
    return 1 if len(word) <= 5 else 2


@dataclass(frozen=True)
class Filters:
    category: str | None = None  # a slug
    min_price_cents: int | None = None
    max_price_cents: int | None = None
    in_stock: bool = False


@dataclass(frozen=True)
class SearchRequest:
    q: str | None
    filters: Filters
    sort: SortOrder = "relevance"
    limit: int = 20
    offset: int = 0

    @property
    def words(self) -> list[str]:
        return words_of(self.q)

    @property
    def cache_key(self) -> Hashable:
        """Searches that differ only in what `words_of` drops are one search."""
        return (tuple(self.words), self.filters, self.sort, self.limit, self.offset)


def filters_from(
    category: str | None,
    min_price_cents: int | None,
    max_price_cents: int | None,
    in_stock: bool,
) -> Filters:
    """Filters from query parameters. A blank category means no filter; one with no letters or
    digits can name no category, so it matches nothing."""
    wanted = None
    if category is not None and category.strip():
        wanted = category_key(category) or ""
    return Filters(
        category=wanted,
        min_price_cents=min_price_cents,
        max_price_cents=max_price_cents,
        in_stock=in_stock,
    )


@dataclass(frozen=True)
class CategoryStats:
    """One category among the products matching the text (and stock) condition."""

    name: str
    in_price_range: int  # how many also satisfy the price bounds
    min_price_cents: int
    max_price_cents: int


@dataclass(frozen=True)
class FacetCounts:
    total: int
    categories: list[tuple[str, int]]
    min_price_cents: int | None
    max_price_cents: int | None


def facets_from(stats: Sequence[CategoryStats], filters: Filters) -> FacetCounts:
    """Disjunctive facets: the category counts ignore the category filter (so a shopper sees
    what other categories hold), the price range ignores the price bounds (so a slider shows
    the full range); `total` honours every filter."""
    chosen = [s for s in stats if filters.category is None or s.name == filters.category]
    categories = sorted(
        ((s.name, s.in_price_range) for s in stats if s.in_price_range > 0),
        key=lambda pair: (-pair[1], pair[0]),
    )
    return FacetCounts(
        total=sum(s.in_price_range for s in chosen),
        categories=categories,
        min_price_cents=min((s.min_price_cents for s in chosen), default=None),
        max_price_cents=max((s.max_price_cents for s in chosen), default=None),
    )
