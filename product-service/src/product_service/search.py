"""What a search means, apart from SQL: the words of a query, the text-search query built from
them, and the facets assembled from per-category counts.

A query is cut into words of letters and digits only, so nothing a shopper types can reach the
tsquery syntax (`&`, `|`, `!`, `:`, `*`, quotes, parentheses are separators). The query is passed
to `to_tsquery` as a bound parameter, never pasted into SQL.

Strategy (service.search runs the passes, each only when the one before found nothing):
1. every word, the last one as a prefix (`wirel head` finds "Wireless Headphones" while typing);
2. every word or its nearest known spellings (`hedphones` finds "headphones");
3. any of those words, best matches first (`cheap headphones` still finds headphones).
"""

import re
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from product_service.catalog_rules import category_key

MAX_WORDS = 8
MAX_WORD_LENGTH = 40
# Words shorter than this are not spell-corrected: trigrams of short words match noise.
MIN_CORRECTABLE_LENGTH = 4

_WORD = re.compile(r"[^\W_]+")

MIN_TERM_LENGTH = 3  # shorter words are not worth correcting towards

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


def vocabulary_of(texts: Iterable[str]) -> set[str]:
    """The words of a product that typo correction may suggest: words of letters only (a
    model number like k512 is typed exactly or not at all)."""
    return {
        word
        for text in texts
        for word in _WORD.findall(text.lower())
        if MIN_TERM_LENGTH <= len(word) <= MAX_WORD_LENGTH and word.isalpha()
    }


@dataclass(frozen=True)
class Term:
    """One operand of a text-search query: a typed word, as a prefix or whole."""

    word: str
    prefix: bool = False

    @property
    def text(self) -> str:
        return f"{self.word}:*" if self.prefix else self.word


@dataclass(frozen=True)
class WordQuery:
    """A text-search query of the one shape the service asks: groups of alternative words,
    all groups required (`&`) or any (`|`). `text` is what `to_tsquery` parses; the search
    index answers the same structure without parsing it."""

    groups: tuple[tuple[Term, ...], ...]
    any_group: bool = False
    parenthesised: bool = False

    @property
    def text(self) -> str:
        joined = [" | ".join(term.text for term in group) for group in self.groups]
        if self.parenthesised:
            joined = [f"({group})" for group in joined]
        return (" | " if self.any_group else " & ").join(joined)


def all_words(words: Sequence[str], *, prefix_last: bool = True) -> WordQuery:
    """Every word; the last as a prefix."""
    last = len(words) - 1
    return WordQuery(
        tuple((Term(word, prefix_last and i == last),) for i, word in enumerate(words))
    )


def corrected(
    words: Sequence[str], spellings: dict[str, list[str]], *, any_word: bool = False
) -> WordQuery:
    """Each word (the last as a prefix) or one of its known spellings; all of the words or
    any."""
    groups = []
    for position, word in enumerate(words, start=1):
        typed = Term(word, prefix=position == len(words))
        groups.append((typed, *(Term(s) for s in spellings.get(word, []) if s != word)))
    return WordQuery(tuple(groups), any_group=any_word, parenthesised=True)


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


def best_spellings(word: str, candidates: Sequence[str]) -> list[str]:
    """The candidates nearest to `word` within its typo budget: all equally near ones, in the
    order given (most similar first)."""
    distances = {c: edit_distance(word, c) for c in candidates if c != word}
    allowed = [d for d in distances.values() if d <= max_typos(word)]
    if not allowed:
        return []
    best = min(allowed)
    return [c for c, d in distances.items() if d == best]


def shown_correction(words: Sequence[str], spellings: dict[str, list[str]]) -> str:
    """The words searched instead, for "showing results for …"."""
    return " ".join((spellings.get(word) or [word])[0] for word in words)


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
