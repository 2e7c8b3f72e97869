"""The catalog's search index: a tantivy index in memory, one per replica, built from the live
products and written to as they change (`live.py`).

A product is one document: its name, its category's words, and its description with its
attribute values as three text fields (English stemming, stop words dropped); its category,
price, stock, date and lower-case name as fast fields for the filters, the facets and the
sorts; its id as a term (to replace or delete it) and as two fast fields (to read a page's ids
without the document store).

A search with words runs up to three passes, each only when the one before matched nothing:
1. every word, the last also as a prefix (`wirel head` finds "Wireless Headphones" while
   typing), scored by BM25 with field weights (name above category above the rest);
2. every word or a spelling within one typo (two in a word of more than five letters) of it
   (`hedphones` finds "headphones"); the words corrected are read from the best match;
3. any of those words, best matches first (`cheap headphones` still finds headphones).
"""

import re
import uuid
from collections.abc import Iterable, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import tantivy
from tantivy import FieldType, Occur, Order, Query

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

ANALYZER = "shop_english"
# Relevance: a word in the name counts most, then in the category, then in the description
# and attribute values (measured in bench/search_quality.py).
FIELD_BOOSTS = (("name", 4.0), ("category_words", 2.0), ("body", 1.0))
TEXT_FIELDS = tuple(field for field, _ in FIELD_BOOSTS)
# A half-typed last word: its most frequent completions score up to COMPLETION_SCORE, by how
# many products hold them; every other completion matches with OTHER_COMPLETION_SCORE (each
# times the field's weight).
PREFIX_EXPANSIONS = 8
COMPLETION_SCORE = 2.0
OTHER_COMPLETION_SCORE = 0.2
MAX_CATEGORIES = 10_000
WRITER_HEAP_BYTES = 64 * 2**20
_LOW_64 = 2**64 - 1
_WORD = re.compile(r"[^\W_]+")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


@dataclass(frozen=True)
class IndexedProduct:
    """What the index holds of a live product (repository.INDEXED_COLUMNS)."""

    id: uuid.UUID
    name: str
    description: str
    category: str
    attributes: dict[str, Any]
    price_cents: int
    stock: int
    created_at: datetime


@dataclass(frozen=True)
class Found:
    product_ids: list[uuid.UUID]
    facets: FacetCounts
    corrected: str | None = None


def analyzer() -> tantivy.TextAnalyzer:
    return (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
        .filter(tantivy.Filter.remove_long(40))
        .filter(tantivy.Filter.lowercase())
        .filter(tantivy.Filter.stopword("english"))
        .filter(tantivy.Filter.stemmer("english"))
        .build()
    )


def _schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("id", tokenizer_name="raw", index_option="basic")
    builder.add_unsigned_field("id_high", fast=True)
    builder.add_unsigned_field("id_low", fast=True)
    for field in TEXT_FIELDS:
        # Stored for the correction shown after a typo; term frequencies, no positions.
        builder.add_text_field(field, stored=True, tokenizer_name=ANALYZER, index_option="freq")
    builder.add_text_field("category", tokenizer_name="raw", fast=True, index_option="basic")
    builder.add_text_field("sort_name", tokenizer_name="raw", fast=True, index_option="basic")
    builder.add_integer_field("price", indexed=True, fast=True)
    builder.add_integer_field("price_key", fast=True)  # price, then the id's leading bits
    builder.add_integer_field("stock", indexed=True, fast=True)
    builder.add_integer_field("created", fast=True)  # microseconds since 1970
    return builder.build()


SCHEMA = _schema()
_ANALYZER = analyzer()


def stem_of(word: str) -> str | None:
    """The term a word is indexed as; None for a stop word."""
    tokens = _ANALYZER.analyze(word)
    return tokens[0] if tokens else None


def _document(product: IndexedProduct) -> tantivy.Document:
    number = product.id.int
    values = [v for v in product.attributes.values() if isinstance(v, str)]
    doc = tantivy.Document()
    doc.add_text("id", str(product.id))
    doc.add_unsigned("id_high", number >> 64)
    doc.add_unsigned("id_low", number & _LOW_64)
    doc.add_text("name", product.name)
    doc.add_text("category_words", product.category.replace("-", " "))
    doc.add_text("body", " ".join([product.description, *values]))
    doc.add_text("category", product.category)
    doc.add_text("sort_name", product.name.lower())
    doc.add_integer("price", product.price_cents)
    # Ties of price go by id, as pages must not repeat or skip a product.
    doc.add_integer("price_key", product.price_cents << 31 | number >> 97)
    doc.add_integer("stock", product.stock)
    doc.add_integer("created", (product.created_at - _EPOCH) // _MICROSECOND)
    return doc


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
            self._writer.add_document(_document(product))

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
        query = self._text(searcher, words, fuzzy)
        if fuzzy:
            found, matched = self._answer(searcher, query, request)
        if not matched and len(words) > 1:
            query = self._text(searcher, words, fuzzy, any_word=True)
            found, matched = self._answer(searcher, query, request)
        correction = self._correction(searcher, query, words, fuzzy) if matched and fuzzy else None
        return Found(found.product_ids, found.facets, correction)

    def _text(
        self,
        searcher: tantivy.Searcher,
        words: Sequence[_Word],
        fuzzy: AbstractSet[str] = frozenset(),
        *,
        any_word: bool = False,
    ) -> Query:
        # A word with digits (a model number, a size) ranks but does not filter, unless all
        # words have digits: "nova smartphone e302" shows the E302 first, then the others.
        plain = any(w.typed.isalpha() for w in words)
        return Query.boolean_query(
            [
                (
                    Occur.Should if any_word or (plain and not w.typed.isalpha()) else Occur.Must,
                    self._word(searcher, w, w.typed in fuzzy),
                )
                for w in words
            ]
        )

    def _word(self, searcher: tantivy.Searcher, word: _Word, fuzzy: bool) -> Query:
        """A word in any text field, weighted by field."""
        per_field = []
        for field, boost in FIELD_BOOSTS:
            options: list[Query] = []
            if word.stem is not None:
                options.append(Query.term_query(SCHEMA, field, word.stem))
            if word.last:
                options.extend(self._completions(searcher, field, word))
            if fuzzy:
                options.extend(_spellings(field, word))
            per_field.append((Occur.Should, Query.boost_query(_any(options), boost)))
        return Query.boolean_query(per_field)

    def _completions(self, searcher: tantivy.Searcher, field: str, word: _Word) -> list[Query]:
        """The words the typed one may be the start of: the most frequent score most (`tab`
        is more likely "tablet" than "tabletop"), the rare rest a little."""
        frequent = searcher.terms_with_prefix(field, word.typed, limit=PREFIX_EXPANSIONS)
        most = max((count for _, count in frequent), default=1)
        completions = [
            Query.const_score_query(
                Query.term_query(SCHEMA, field, term), COMPLETION_SCORE * count / most
            )
            for term, count in frequent
            if term != word.stem
        ]
        completions.append(
            Query.const_score_query(
                Query.regex_query(SCHEMA, field, f"{word.typed}.*"), OTHER_COMPLETION_SCORE
            )
        )
        return completions

    def _known(self, searcher: tantivy.Searcher, word: _Word) -> bool:
        """Whether the word (or, last, a completion of it) is in any product."""
        for field in TEXT_FIELDS:
            if word.stem is not None and searcher.doc_freq(field, word.stem):
                return True
            if word.last and searcher.terms_with_prefix(field, word.typed, limit=1):
                return True
        return False

    def _correction(
        self,
        searcher: tantivy.Searcher,
        query: Query,
        words: Sequence[_Word],
        fuzzy: AbstractSet[str],
    ) -> str | None:
        """The words as corrected in the best match: each misspelt word as the nearest word
        of that product's name, category or description; None when none was."""
        hits = searcher.search(query, 1, count=False).hits
        if not hits:
            return None
        stored = searcher.doc(hits[0][1]).to_dict()
        known = [
            word.lower()
            for field in TEXT_FIELDS
            for text in stored.get(field, [])
            for word in _WORD.findall(text)
        ]
        shown, changed = [], False
        for word in words:
            best = word.typed
            if word.typed in fuzzy:
                best = _nearest(word, known) or word.typed
            changed |= best != word.typed
            shown.append(best)
        return " ".join(shown) if changed else None

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
    for candidate in candidates:
        if word.last and candidate.startswith(word.typed):
            distance = 0
        else:
            distance = edit_distance(word.typed, candidate)
            if word.stem is not None:
                other = stem_of(candidate)
                if other is not None:
                    distance = min(distance, edit_distance(word.stem, other))
        if distance <= budget and (best is None or distance < best[0]):
            best = (distance, candidate)
    return best[1] if best is not None else None


def _spellings(field: str, word: _Word) -> list[Query]:
    """The indexed words within the word's typo budget of it (as typed, or as stemmed: a typo
    can change the stem), the nearer ones scoring more."""
    spellings = []
    for typos in range(1, max_typos(word.typed) + 1):
        for text in {word.typed, word.stem or word.typed}:
            near = Query.fuzzy_term_query(SCHEMA, field, text, typos, True, False)
            spellings.append(Query.const_score_query(near, 1.0 / typos))
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
    sub: dict[str, Any] = {"low": {"min": {"field": "price"}}, "high": {"max": {"field": "price"}}}
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
                str(bucket["key"]), count, int(bucket["low"]["value"]), int(bucket["high"]["value"])
            )
        )
    return stats
