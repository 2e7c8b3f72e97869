"""An in-memory index of the live products' search rows (`product_search`), answering a text
search exactly as `repository.text_search` does: the same matches, category statistics and
page, in the same order.

PostgreSQL counts the facets and ranks the page by visiting every match (a bitmap heap scan
from the GIN index), so an uncached search's cost grows with its number of matches. Here a
search is set operations on posting arrays (which products hold a lexeme), counting over the
matches' category codes and prices, and a partial sort of the page; ranking is `search_rank`.

Slots: each product version has a slot, and per slot the arrays hold its category code,
price, stock and date. A change of stock, price or category keeps the slot; a change of the
search vector (name, category words, description) gives the product a new slot, and the old
one is dead (its postings stay, filtered out, until the next full load). Three orderings
(price, date, name, each then id) are kept as a rank per slot, so every sort of the page is a
sort of integers. `sort_name` is ordered by code point, as the database's C.UTF-8 collation
orders it (the loader checks the collation).
"""

import bisect
import re
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import numpy as np
import numpy.typing as npt

from product_service.search import CategoryStats, Filters, SortOrder
from product_service.search_rank import Postings, Slots, common, or_term, rank_and, rank_or
from product_service.search_terms import ResolvedQuery

_ENTRY = re.compile(r"'((?:[^']|'')*)'(?::([0-9A-D,]+))?")
_WEIGHT_OF = {"A": 3, "B": 2, "C": 1}
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


@dataclass(frozen=True)
class IndexedRow:
    """A row of `product_search`, with the search vector as PostgreSQL prints it."""

    id: UUID
    category: str
    price_cents: int
    stock: int
    created_at: datetime
    sort_name: str
    vector: str


def micros(moment: datetime) -> int:
    return (moment - _EPOCH) // _MICROSECOND


_spec_cache: dict[str, tuple[tuple[int, ...], float]] = {}


def _positions(spec: str) -> tuple[tuple[int, ...], float]:
    """`1A,5,7B` → the WordEntryPos values and calc_rank_or's term (cached: few distinct)."""
    found = _spec_cache.get(spec)
    if found is None:
        entries = []
        for item in spec.split(",") if spec else []:
            weight = _WEIGHT_OF.get(item[-1])
            if weight is None:
                entries.append(int(item))
            else:
                entries.append(weight << 14 | int(item[:-1]))
        found = (tuple(entries), or_term(tuple(e >> 14 for e in entries)))
        if len(_spec_cache) < 100_000:
            _spec_cache[spec] = found
    return found


def parse_vector(text: str) -> Iterator[tuple[str, tuple[int, ...], float]]:
    """The lexemes of `tsvector::text` in stored order, with positions and calc_rank_or term."""
    for lexeme, spec in _ENTRY.findall(text):
        if "'" in lexeme or "\\" in lexeme:
            lexeme = re.sub(r"''|\\(.)", lambda m: m.group(1) or "'", lexeme)
        positions, term = _positions(spec)
        yield lexeme, positions, term


class _Ordering:
    """A total order of the live slots, as a rank per slot, kept in step one change at a time:
    a sorted list of keys to find a slot's place, and a shift of the ranks behind it."""

    def __init__(self, key: Callable[[int], tuple[Any, ...]]) -> None:
        self.key = key
        self.keys: list[tuple[Any, ...]] = []
        self.rank = np.zeros(0, dtype=np.int64)

    def build(self, slots: Iterable[int], capacity: int) -> None:
        self.keys = sorted(self.key(slot) for slot in slots)
        self.rank = np.zeros(capacity, dtype=np.int64)
        self.rank[[key[-1] for key in self.keys]] = np.arange(len(self.keys))

    def grow(self, capacity: int) -> None:
        self.rank = np.resize(self.rank, capacity)

    def add(self, slot: int, used: int) -> None:
        key = self.key(slot)
        at = bisect.bisect_left(self.keys, key)
        self.keys.insert(at, key)
        ranks = self.rank[:used]
        ranks[ranks >= at] += 1
        self.rank[slot] = at

    def remove(self, slot: int, used: int) -> None:
        at = bisect.bisect_left(self.keys, self.key(slot))
        del self.keys[at]
        ranks = self.rank[:used]
        ranks[ranks > at] -= 1


class SearchIndex:
    """Built from every row at once (`build`), then kept in step row by row (`put`,
    `remove`). Not safe across threads; the service uses it from its event loop only."""

    def __init__(self, capacity: int = 1024) -> None:
        self.used = 0
        self.dead = 0
        self.live = np.zeros(capacity, dtype=np.bool_)
        self.category = np.zeros(capacity, dtype=np.int32)
        self.price = np.zeros(capacity, dtype=np.int64)
        self.stock = np.zeros(capacity, dtype=np.int64)
        self.created = np.zeros(capacity, dtype=np.int64)
        self.ids: list[UUID] = []
        self.names: list[str] = []
        self.vector_hashes: list[int] = []
        self.slot_of: dict[UUID, int] = {}
        self.category_code: dict[str, int] = {}
        self.category_names: list[str] = []
        self.postings: dict[str, Postings] = {}
        self.vocabulary: list[str] = []  # sorted, for prefixes
        self.positions = np.zeros(capacity * 8, dtype=np.uint16)
        self.positions_used = 0
        self.by_price = _Ordering(lambda s: (int(self.price[s]), self.ids[s].bytes, s))
        self.by_created = _Ordering(lambda s: (int(self.created[s]), self.ids[s].bytes, s))
        self.by_name = _Ordering(lambda s: (self.names[s], self.ids[s].bytes, s))

    @property
    def orderings(self) -> tuple[_Ordering, ...]:
        return (self.by_price, self.by_created, self.by_name)

    def __len__(self) -> int:
        return len(self.slot_of)

    # Building and changing

    @classmethod
    def build(cls, rows: Iterable[IndexedRow]) -> "SearchIndex":
        index = cls()
        lexeme_ids: dict[str, int] = {}
        posting_lexeme, posting_slot = array("i"), array("i")
        posting_term, posting_count = array("f"), array("i")
        flat_positions = array("H")
        for row in rows:
            slot = index._new_slot(row)
            for lexeme, positions, term in parse_vector(row.vector):
                posting_lexeme.append(lexeme_ids.setdefault(lexeme, len(lexeme_ids)))
                posting_slot.append(slot)
                posting_term.append(term)
                posting_count.append(len(positions))
                flat_positions.extend(positions)
        counts = np.frombuffer(posting_count, dtype=np.int32)
        starts = np.zeros(len(counts), dtype=np.int64)
        np.cumsum(counts[:-1], out=starts[1:])
        index.positions = np.frombuffer(flat_positions, dtype=np.uint16).copy()
        index.positions_used = len(index.positions)
        lexeme_of = np.frombuffer(posting_lexeme, dtype=np.int32)
        order = np.argsort(lexeme_of, kind="stable")  # by lexeme, then slot
        slots = np.frombuffer(posting_slot, dtype=np.int32)[order]
        terms = np.frombuffer(posting_term, dtype=np.float32)[order]
        starts, counts = starts[order], counts[order]
        bounds = np.searchsorted(lexeme_of[order], np.arange(len(lexeme_ids) + 1))
        for lexeme, number in lexeme_ids.items():
            a, b = bounds[number], bounds[number + 1]
            index.postings[lexeme] = Postings(slots[a:b], terms[a:b], starts[a:b], counts[a:b])
        index.vocabulary = sorted(lexeme_ids)
        for ordering in index.orderings:
            ordering.build(range(index.used), len(index.live))
        return index

    def put(self, row: IndexedRow) -> None:
        """The row as it now is (added or changed)."""
        slot = self.slot_of.get(row.id)
        if (
            slot is not None
            and self.vector_hashes[slot] == hash(row.vector)
            and self.created[slot] == micros(row.created_at)
        ):
            self._change_in_place(slot, row)
            return
        if slot is not None:
            self._kill(slot)
        slot = self._new_slot(row)
        for ordering in self.orderings:
            ordering.add(slot, self.used)
        for lexeme, positions, term in parse_vector(row.vector):
            self._add_posting(lexeme, slot, positions, term)

    def remove(self, product_id: UUID) -> None:
        slot = self.slot_of.get(product_id)
        if slot is not None:
            self._kill(slot)

    def _new_slot(self, row: IndexedRow) -> int:
        slot = self.used
        if slot == len(self.live):
            self._grow(2 * len(self.live))
        self.used += 1
        self.live[slot] = True
        self.category[slot] = self._category_code(row.category)
        self.price[slot] = row.price_cents
        self.stock[slot] = row.stock
        self.created[slot] = micros(row.created_at)
        self.ids.append(row.id)
        self.names.append(row.sort_name)
        self.vector_hashes.append(hash(row.vector))
        self.slot_of[row.id] = slot
        return slot

    def _change_in_place(self, slot: int, row: IndexedRow) -> None:
        self.stock[slot] = row.stock
        self.category[slot] = self._category_code(row.category)
        if self.price[slot] != row.price_cents:
            self.by_price.remove(slot, self.used)
            self.price[slot] = row.price_cents
            self.by_price.add(slot, self.used)
        if self.names[slot] != row.sort_name:
            self.by_name.remove(slot, self.used)
            self.names[slot] = row.sort_name
            self.by_name.add(slot, self.used)

    def _kill(self, slot: int) -> None:
        for ordering in self.orderings:
            ordering.remove(slot, self.used)
        self.live[slot] = False
        del self.slot_of[self.ids[slot]]
        self.dead += 1

    def _grow(self, capacity: int) -> None:
        for name in ("live", "category", "price", "stock", "created"):
            setattr(self, name, np.resize(getattr(self, name), capacity))
        self.live[self.used :] = False
        for ordering in self.orderings:
            ordering.grow(capacity)

    def _category_code(self, category: str) -> int:
        code = self.category_code.get(category)
        if code is None:
            code = self.category_code[category] = len(self.category_names)
            self.category_names.append(category)
        return code

    def _add_posting(self, lexeme: str, slot: int, positions: tuple[int, ...], term: float) -> None:
        need = self.positions_used + len(positions)
        if need > len(self.positions):
            self.positions = np.resize(self.positions, max(need, 2 * len(self.positions)))
        start = self.positions_used
        self.positions[start:need] = positions
        self.positions_used = need
        old = self.postings.get(lexeme)
        if old is None:
            bisect.insort(self.vocabulary, lexeme)
            old = Postings(
                np.zeros(0, np.int32), np.zeros(0, np.float32), np.zeros(0, np.int64),
                np.zeros(0, np.int32),
            )  # fmt: skip
        self.postings[lexeme] = Postings(
            np.append(old.slots, np.int32(slot)),
            np.append(old.or_terms, np.float32(term)),
            np.append(old.pos_start, np.int64(start)),
            np.append(old.pos_count, np.int32(len(positions))),
        )

    # Searching

    def entries(self, lexeme: str, prefix: bool) -> list[Postings]:
        """The postings of the lexemes an operand finds, in tsvector (byte) order."""
        if not prefix:
            found = self.postings.get(lexeme)
            return [found] if found is not None else []
        at = bisect.bisect_left(self.vocabulary, lexeme)
        entries = []
        while at < len(self.vocabulary) and self.vocabulary[at].startswith(lexeme):
            entries.append(self.postings[self.vocabulary[at]])
            at += 1
        return entries

    def search(
        self, query: ResolvedQuery, filters: Filters, sort: SortOrder, limit: int, offset: int
    ) -> tuple[list[CategoryStats], list[UUID]]:
        """What `repository.text_search` answers for `query.text`: per category among the
        matches (in stock, if asked), how many are in the price range and their price range;
        and one page of the matches the filters show."""
        matches = self._matches(query, filters)
        if not len(matches):
            return [], []
        categories, prices = self.category[matches], self.price[matches]
        in_range = np.ones(len(matches), dtype=np.bool_)
        if filters.min_price_cents is not None:
            in_range &= prices >= filters.min_price_cents
        if filters.max_price_cents is not None:
            in_range &= prices <= filters.max_price_cents
        stats = self._stats(categories, prices, in_range)
        shown = in_range
        if filters.category is not None:
            code = self.category_code.get(filters.category, -1)
            shown = shown & (categories == code)
        return stats, self._page(query, matches[shown], sort, limit, offset)

    def _matches(self, query: ResolvedQuery, filters: Filters) -> Slots:
        """The live matches' slots, ascending. Set operations on the sorted posting arrays, so
        the cost follows the postings read, not the catalog's size."""
        found: Slots | None = None
        for group in query.groups:
            lists = [
                postings.slots for lexeme, prefix in group
                for postings in self.entries(lexeme, prefix)
            ]  # fmt: skip
            in_group = _union(lists)
            if found is None:
                found = in_group
            elif query.any_group:
                found = _union([found, in_group])
            else:
                found = _intersection(found, in_group)
        if found is None or not len(found):
            return np.zeros(0, dtype=np.int32)
        keep = self.live[found]
        if filters.in_stock:
            keep &= self.stock[found] > 0
        return found[keep]

    def _stats(
        self,
        categories: npt.NDArray[np.int32],
        prices: npt.NDArray[np.int64],
        in_range: npt.NDArray[np.bool_],
    ) -> list[CategoryStats]:
        order = np.argsort(categories, kind="stable")
        codes = categories[order]
        starts = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]])
        ordered = prices[order]
        lows = np.minimum.reduceat(ordered, starts)
        highs = np.maximum.reduceat(ordered, starts)
        counts = np.add.reduceat(in_range[order].astype(np.int64), starts)
        return [
            CategoryStats(self.category_names[codes[s]], int(n), int(low), int(high))
            for s, n, low, high in zip(starts, counts, lows, highs, strict=True)
        ]

    def _page(
        self,
        query: ResolvedQuery,
        shown: Slots,
        sort: SortOrder,
        limit: int,
        offset: int,
    ) -> list[UUID]:
        if offset >= len(shown):
            return []
        # Smallest key first.
        key: npt.NDArray[np.int64]
        if sort == "price_asc":
            key = self.by_price.rank[shown]
        elif sort == "price_desc":
            key = -self.by_price.rank[shown]
        elif sort == "newest":
            key = -self.by_created.rank[shown]
        elif sort == "name":
            key = self.by_name.rank[shown]
        else:
            # rank DESC, created_at DESC, id DESC: a rank is a positive float, whose bits
            # order as integers do.
            bits = self._rank(query, shown).view(np.int32).astype(np.int64)
            key = -((bits << 32) | self.by_created.rank[shown])
        wanted = offset + limit
        if wanted < len(key):
            best = np.argpartition(key, wanted - 1)[:wanted]
            best = best[np.argsort(key[best])]
        else:
            best = np.argsort(key)
        return [self.ids[slot] for slot in shown[best[offset:wanted]]]

    def _rank(self, query: ResolvedQuery, shown: Slots) -> npt.NDArray[np.float32]:
        operands = [self.entries(lexeme, prefix) for lexeme, prefix in query.operands]
        if query.ranks_all_words:
            return rank_and(operands, shown, self.positions)
        return rank_or(operands, shown)


def _union(lists: Sequence[Slots]) -> Slots:
    """The slots of any of these ascending arrays, ascending, each once: a stable sort of
    sorted runs merges them."""
    lists = [slots for slots in lists if len(slots)]
    if not lists:
        return np.zeros(0, dtype=np.int32)
    if len(lists) == 1:
        return lists[0]
    merged = np.sort(np.concatenate(lists), kind="stable")
    return merged[np.r_[True, merged[1:] != merged[:-1]]]


def _intersection(a: Slots, b: Slots) -> Slots:
    in_a, _ = common(a, b)
    return a[in_a]
