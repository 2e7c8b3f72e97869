"""What the search index holds of a product: one tantivy document.

Its name, its category's words, and its description with its attribute values are three text
fields (English stemming, stop words dropped; term frequencies, no positions; stored, for the
correction shown after a typo); its category, price, stock, date and lower-case name are fast
fields for the filters, the facets and the sorts; its id is a term (to replace or delete it)
and two fast fields (to read a page's ids without the document store).
"""

import functools
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import tantivy

ANALYZER = "shop_english"
# Relevance: a word in the name counts most, then in the category, then in the description
# and attribute values (measured in bench/search_quality.py).
FIELD_BOOSTS = (("name", 4.0), ("category_words", 2.0), ("body", 1.0))
TEXT_FIELDS = tuple(field for field, _ in FIELD_BOOSTS)
_LOW_64 = 2**64 - 1
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


@functools.lru_cache(maxsize=65_536)
def stem_of(word: str) -> str | None:
    """The term a word is indexed as; None for a stop word."""
    tokens = _ANALYZER.analyze(word)
    return tokens[0] if tokens else None


def document(product: IndexedProduct) -> tantivy.Document:
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
