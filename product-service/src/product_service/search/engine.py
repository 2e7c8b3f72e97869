"""The catalog's search index: a tantivy index in memory, one per replica, built from the live
products and written to as they change (`live.py`); a product is one document
(`documents.py`).

A search with words runs up to three passes, each only when the one before matched nothing:
1. every word, the last also as a prefix (`wirel head` finds "Wireless Headphones" while
   typing), scored by BM25 with field weights (name above category above the rest);
2. each misspelt word as the best match spells it: that product has every word, or a
   spelling within one typo (two in a word of more than five letters) of it, nearer ones
   first (`hedphones` → headphones); then the corrected words as in 1;
3. any of those words, best matches first (`cheap headphones` still finds headphones).
"""

import re
import uuid
from collections.abc import Iterable, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from typing import Any

import tantivy
from tantivy import FieldType, Occur, Order, Query

from product_service.search.documents import (
    ANALYZER,
    FIELD_BOOSTS,
    SCHEMA,
    TEXT_FIELDS,
    IndexedProduct,
    analyzer,
    document,
    stem_of,
)
from product_service.search.query import (
    MIN_CORRECTABLE_LENGTH,
    CategoryStats,
    FacetCounts,
    Filters,
    SearchRequest,
    edit_distance,
    facets_from,
    max_typos,
)

# A half-typed last word: its most frequent completions score up to COMPLETION_SCORE, by how
# many products hold them; if it has more than PREFIX_EXPANSIONS, every other completion
# matches with OTHER_COMPLETION_SCORE (each times the field's weight). The catch-all is a
# term range over the dictionary, the costliest part of a query: only when it can add matches.
PREFIX_EXPANSIONS = 8
COMPLETION_SCORE = 2.0
OTHER_COMPLETION_SCORE = 0.2
MAX_CATEGORIES = 10_000
WRITER_HEAP_BYTES = 64 * 2**20
_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class Found:
    """A search's page of product ids, its facets, and the words searched instead of the
    typed ones (after a typo), if any."""

    product_ids: list[uuid.UUID]
    facets: FacetCounts
    corrected: str | None = None


@dataclass(frozen=True)
class _Word:
    typed: str
    stem: str | None
    last: bool


class CatalogIndex:
    """Written from one thread at a time (`write`); searched from any, each search on the
    searcher of the last commit."""

    def __init__(self) -> None:
        self.index = tantivy.Index(SCHEMA)
        self.index.register_tokenizer(ANALYZER, analyzer())
        self._writer = self.index.writer(WRITER_HEAP_BYTES, 1)
        self.searcher = self.index.searcher()

    def __len__(self) -> int:
        return int(self.searcher.num_docs)

    def write(self, products: Sequence[IndexedProduct], removed: Iterable[uuid.UUID] = ()) -> None:
        """Add or replace these products, remove those, in one commit (blocking: the caller
        runs it in a thread); searches see all of it or none."""
        for product_id in removed:
            self._writer.delete_documents_by_term("id", str(product_id))
        for product in products:
            self._writer.delete_documents_by_term("id", str(product.id))
        self.add(products)
        self.commit()

    def add(self, products: Iterable[IndexedProduct]) -> None:
        """New products, searchable from the next commit (a build adds every product so)."""
        for product in products:
            self._writer.add_document(document(product))

    def commit(self) -> None:
        self._writer.commit()
        self.index.reload()
        self.searcher = self.index.searcher()

    # Searching

    def search(self, request: SearchRequest) -> Found:
        searcher = self.searcher
        filters = request.filters
        typed = request.words
        if not typed:
            return self._answer(searcher, Query.all_query(), request, ranked=False)[0]
        words = _words(typed)
        if not words:  # stop words only
            return Found([], facets_from([], filters))
        found, matched = self._answer(searcher, self._text(searcher, words), request)
        if matched:
            return found
        unknown = [w for w in words if not self._known(searcher, w)]
        fuzzy = {w.typed for w in unknown if len(w.typed) >= MIN_CORRECTABLE_LENGTH}
        corrected = self._corrected(searcher, words, fuzzy) if fuzzy else words
        if corrected != words:
            found, matched = self._answer(searcher, self._text(searcher, corrected), request)
        if not matched and len(words) > 1:
            query = self._text(searcher, corrected, any_word=True)
            found, matched = self._answer(searcher, query, request)
        shown = " ".join(w.typed for w in corrected) if matched and corrected != words else None
        return Found(found.product_ids, found.facets, shown)

    def _text(
        self,
        searcher: tantivy.Searcher,
        words: Sequence[_Word],
        fuzzy: AbstractSet[str] = frozenset(),
        *,
        any_word: bool = False,
        typos: int = 2,
    ) -> Query:
        # A word with digits (a model number, a size) ranks but does not filter, unless all
        # words have digits: "nova smartphone e302" shows the E302 first, then the others.
        if len(words) == 1:  # the word's own query: a boolean around it would cost more
            return self._word(searcher, words[0], typos if words[0].typed in fuzzy else 0)
        plain = any(w.typed.isalpha() for w in words)
        return Query.boolean_query(
            [
                (
                    Occur.Should if any_word or (plain and not w.typed.isalpha()) else Occur.Must,
                    self._word(searcher, w, typos if w.typed in fuzzy else 0),
                )
                for w in words
            ]
        )

    def _word(self, searcher: tantivy.Searcher, word: _Word, typos: int) -> Query:
        """A word in any text field, weighted by field; with `typos`, its spellings within
        that many typos (and its budget) too."""
        per_field = []
        for field, boost in FIELD_BOOSTS:
            options: list[Query] = []
            if word.stem is not None:
                options.append(Query.term_query(SCHEMA, field, word.stem))
            if word.last:
                options.extend(self._completions(searcher, field, word))
            if typos:
                options.extend(_spellings(field, word, typos))
            per_field.append((Occur.Should, Query.boost_query(_any(options), boost)))
        return Query.boolean_query(per_field)

    def _completions(self, searcher: tantivy.Searcher, field: str, word: _Word) -> list[Query]:
        """The words the typed one may be the start of: the most frequent score most (`tab`
        is more likely "tablet" than "tabletop"), the rare rest (if any) a little."""
        frequent = searcher.terms_with_prefix(field, word.typed, limit=PREFIX_EXPANSIONS)
        most = max((count for _, count in frequent), default=1)
        completions = [
            Query.const_score_query(
                Query.term_query(SCHEMA, field, term), COMPLETION_SCORE * count / most
            )
            for term, count in frequent
            if term != word.stem
        ]
        if len(frequent) == PREFIX_EXPANSIONS:  # there may be more: any other, a little
            every = Query.phrase_prefix_query(SCHEMA, field, [word.typed])  # a term range
            completions.append(Query.const_score_query(every, OTHER_COMPLETION_SCORE))
        return completions

    def _known(self, searcher: tantivy.Searcher, word: _Word) -> bool:
        """Whether the word (or, last, a completion of it) is in any product."""
        for field in TEXT_FIELDS:
            if word.stem is not None and searcher.doc_freq(field, word.stem):
                return True
            if word.last and searcher.terms_with_prefix(field, word.typed, limit=1):
                return True
        return False

    def _corrected(
        self, searcher: tantivy.Searcher, words: Sequence[_Word], fuzzy: AbstractSet[str]
    ) -> list[_Word]:
        """The words, each misspelt one as the best match spells it: the nearest word of that
        product's name, else its category, else its description (the product is the best
        match with every misspelt word within its typo budget, nearer spellings first; with
        all the words if any product has them all, otherwise with any)."""
        hits = []
        # One typo first (most are), which spares the costlier two-typo automata.
        budget = max(max_typos(w.typed) for w in words if w.typed in fuzzy)
        attempts = [(typos, any_word) for any_word in (False, True) for typos in (1, budget)]
        for typos, any_word in dict.fromkeys(attempts):
            if any_word and len(words) == 1:
                break
            query = self._text(searcher, words, fuzzy, any_word=any_word, typos=typos)
            hits = searcher.search(query, 1, count=False).hits
            if hits:
                break
        if not hits:
            return list(words)
        stored = searcher.doc(hits[0][1]).to_dict()
        texts = [
            [w.lower() for text in stored.get(field, []) for w in _WORD.findall(text)]
            for field in TEXT_FIELDS
        ]
        corrected = []
        for word in words:
            if word.typed in fuzzy:
                spelt = next(filter(None, (_nearest(word, text) for text in texts)), None)
                if spelt is not None and spelt != word.typed:
                    word = _Word(spelt, stem_of(spelt), word.last)
            corrected.append(word)
        return corrected

    def _answer(
        self,
        searcher: tantivy.Searcher,
        text: Query,
        request: SearchRequest,
        *,
        ranked: bool = True,
    ) -> tuple[Found, bool]:
        """One page and the facets of the products `text` matches; and whether it matched any
        product at all (before the price and category filters)."""
        filters = request.filters
        matches = text
        if filters.in_stock:
            matches = _all(text, Query.range_query(SCHEMA, "stock", FieldType.Integer, 1, None))
        stats = _category_stats(searcher, matches, filters)
        facets = facets_from(stats, filters)
        if facets.total <= request.offset:
            return Found([], facets), bool(stats)
        shown = matches
        if (price := _price_filter(filters)) is not None:
            shown = _all(shown, price)
        if filters.category is not None:
            shown = _all(shown, Query.term_query(SCHEMA, "category", filters.category))
        order = _ORDER.get(request.sort if ranked or request.sort != "relevance" else "newest")
        limit, offset = request.limit, request.offset
        if order is None:
            hits = searcher.search(shown, limit, count=False, offset=offset).hits
        else:
            field, direction = order
            hits = searcher.search(
                shown, limit, count=False, order_by_field=field, offset=offset, order=direction
            ).hits
        addresses = [address for _, address in hits]
        highs = searcher.fast_field_values("id_high", addresses)
        lows = searcher.fast_field_values("id_low", addresses)
        ids = [
            uuid.UUID(int=int(high or 0) << 64 | int(low or 0))
            for high, low in zip(highs, lows, strict=True)
        ]
        return Found(ids, facets), True


_ORDER: dict[str, tuple[str, Order]] = {
    "price_asc": ("price_key", Order.Asc),
    "price_desc": ("price_key", Order.Desc),
    "newest": ("created", Order.Desc),
    "name": ("sort_name", Order.Asc),
}


def _words(typed: Sequence[str]) -> list[_Word]:
    """The typed words the index can match: stop words dropped, except a last word that may
    be the start of another."""
    words = []
    for position, word in enumerate(typed, start=1):
        last = position == len(typed)
        stem = stem_of(word)
        if stem is not None or last:
            words.append(_Word(word, stem, last))
    return words


def _nearest(word: _Word, candidates: Iterable[str]) -> str | None:
    best: tuple[int, str] | None = None
    budget = max_typos(word.typed)
    for candidate in dict.fromkeys(candidates):
        if abs(len(candidate) - len(word.typed)) > budget and not word.last:
            continue
        if word.last and candidate.startswith(word.typed):
            distance = 0
        else:
            distance = _distance(word.typed, candidate, budget)
            if word.stem is not None:
                other = stem_of(candidate)
                if other is not None:
                    distance = min(distance, _distance(word.stem, other, budget))
        if distance <= budget and (best is None or distance < best[0]):
            best = (distance, candidate)
    return best[1] if best is not None else None


def _distance(a: str, b: str, budget: int) -> int:
    """The edit distance, or budget + 1 when the lengths alone put it over the budget."""
    return edit_distance(a, b) if abs(len(a) - len(b)) <= budget else budget + 1


def _spellings(field: str, word: _Word, most: int) -> list[Query]:
    """The indexed words within `most` typos (and the word's budget) of it as typed, or one
    typo of it as stemmed (a typo can change the stem); nearer ones score more."""
    spellings = []
    for typos in range(1, min(most, max_typos(word.typed)) + 1):
        near = Query.fuzzy_term_query(SCHEMA, field, word.typed, typos, True, False)
        spellings.append(Query.const_score_query(near, 1.0 / typos))
    if word.stem is not None and word.stem != word.typed:
        near = Query.fuzzy_term_query(SCHEMA, field, word.stem, 1, True, False)
        spellings.append(Query.const_score_query(near, 1.0))
    return spellings


def _any(options: Sequence[Query]) -> Query:
    if len(options) == 1:
        return options[0]
    if not options:
        return Query.empty_query()
    return Query.boolean_query([(Occur.Should, option) for option in options])


def _all(*queries: Query) -> Query:
    return Query.boolean_query([(Occur.Must, query) for query in queries])


def _price_filter(filters: Filters) -> Query | None:
    low, high = filters.min_price_cents, filters.max_price_cents
    if low is None and high is None:
        return None
    if low is not None and high is not None and low > high:
        return Query.empty_query()
    return Query.range_query(SCHEMA, "price", FieldType.Integer, low, high)


def _category_stats(
    searcher: tantivy.Searcher, matches: Query, filters: Filters
) -> list[CategoryStats]:
    """Per category among the matches: how many are in the price range, and their prices'
    range (one aggregation)."""
    low, high = filters.min_price_cents, filters.max_price_cents
    # One `stats` (a single pass over each bucket's prices) rather than a `min` and a `max`.
    sub: dict[str, Any] = {"price": {"stats": {"field": "price"}}}
    bounded = low is not None or high is not None
    empty_range = low is not None and high is not None and low > high
    if bounded and not empty_range:
        shown: dict[str, Any] = {"key": "shown"}
        if low is not None:
            shown["from"] = low
        if high is not None:
            shown["to"] = high + 1
        sub["in_range"] = {"range": {"field": "price", "ranges": [shown]}}
    spec = {"categories": {"terms": {"field": "category", "size": MAX_CATEGORIES}, "aggs": sub}}
    buckets = searcher.aggregate(matches, spec)["categories"]["buckets"]
    stats = []
    for bucket in buckets:
        count = int(bucket["doc_count"])
        if empty_range:
            count = 0
        elif bounded:
            ranges = bucket["in_range"]["buckets"]
            count = next(int(r["doc_count"]) for r in ranges if r["key"] == "shown")
        stats.append(
            CategoryStats(
                str(bucket["key"]), count, int(bucket["price"]["min"]), int(bucket["price"]["max"])
            )
        )
    return stats
