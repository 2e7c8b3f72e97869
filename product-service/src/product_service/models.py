"""Tables of the product service: the catalog, what a text search reads of it, and the
vocabulary that typo correction uses.

Search reads a stored, weighted tsvector (name A > category B > description and attribute values
C) through a GIN index. Every index a shopper's query uses is partial on live (not deleted)
products, so deleted rows cost nothing at read time. A text search reads `product_search`, a
narrow copy of the live products (see SearchRow).
"""

import uuid
from datetime import datetime
from typing import TYPE_CHECKING, Any

from service_kit.db import declarative_base
from service_kit.migrations import add_kit_tables
from sqlalchemy import (
    CheckConstraint,
    Computed,
    DateTime,
    Index,
    Integer,
    Text,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB, TSVECTOR
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

if TYPE_CHECKING:
    # The kit makes a fresh base per service at runtime; mypy needs a static class.
    class Base(DeclarativeBase):
        pass
else:
    Base = declarative_base()
add_kit_tables(Base.metadata)

# The text-search configuration of the stored vector and of every query built against it.
TS_CONFIG = "english"

SEARCH_VECTOR_SQL = (
    f"setweight(to_tsvector('{TS_CONFIG}'::regconfig, name), 'A') || "
    f"setweight(to_tsvector('{TS_CONFIG}'::regconfig, replace(category, '-', ' ')), 'B') || "
    f"setweight(to_tsvector('{TS_CONFIG}'::regconfig, description), 'C') || "
    f"setweight(jsonb_to_tsvector('{TS_CONFIG}'::regconfig, attributes, '[\"string\"]'), 'C')"
)

LIVE = text("deleted_at IS NULL")


class Product(Base):
    __tablename__ = "products"
    # Read server defaults (timestamps) back from the INSERT itself (RETURNING).
    __mapper_args__ = {"eager_defaults": True}
    __table_args__ = (
        CheckConstraint("price_cents > 0", name="price_positive"),
        CheckConstraint("stock >= 0", name="stock_not_negative"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    name: Mapped[str] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text, server_default="")
    price_cents: Mapped[int] = mapped_column(Integer)
    currency: Mapped[str] = mapped_column(Text, server_default="USD")
    # A slug: lower case, words joined by '-' (see schemas.normalize_category).
    category: Mapped[str] = mapped_column(Text)
    # Read model of the inventory service's stock; the initial value comes from creation.
    stock: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    # When the last applied stock.updated event happened; older events are ignored.
    stock_event_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    image_url: Mapped[str | None] = mapped_column(Text)
    attributes: Mapped[dict[str, Any]] = mapped_column(JSONB, server_default=text("'{}'::jsonb"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    search_vector: Mapped[Any] = mapped_column(
        TSVECTOR, Computed(SEARCH_VECTOR_SQL, persisted=True), deferred=True
    )


Index("ix_products_search", Product.search_vector, postgresql_using="gin", postgresql_where=LIVE)
# Category facet and filter; price and stock ride along so counting needs only the index.
Index(
    "ix_products_live_category",
    Product.category,
    Product.price_cents,
    postgresql_include=["stock"],
    postgresql_where=LIVE,
)
Index("ix_products_live_price", Product.price_cents, Product.id, postgresql_where=LIVE)
Index("ix_products_live_created", Product.created_at, Product.id, postgresql_where=LIVE)
Index("ix_products_live_name", func.lower(Product.name), Product.id, postgresql_where=LIVE)


class SearchRow(Base):
    """One live product as a text search reads it: what the facets count, what the sorts order
    by, and the search vector (copied from the product). A text search visits every match (to
    count the facets exactly and to rank them); these rows hold only what it reads, so a
    match costs fewer and denser pages than in `products`. The repository writes a product's
    row in the transaction that changes the product; a bulk load writes them in category
    order, so most words' matches share pages.

    No foreign key: it is derived data, rebuilt from products (repository.rebuild_search_rows).
    """

    __tablename__ = "product_search"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    category: Mapped[str] = mapped_column(Text)
    price_cents: Mapped[int] = mapped_column(Integer)
    stock: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    sort_name: Mapped[str] = mapped_column(Text)  # lower(name), the order of sort=name
    search_vector: Mapped[Any] = mapped_column(TSVECTOR)


Index("ix_product_search_vector", SearchRow.search_vector, postgresql_using="gin")


class SearchTerm(Base):
    """Words shoppers search for (from names, categories and attribute values), so a misspelt
    word can be corrected to the nearest known one by trigram similarity. Words of deleted
    products stay: a correction to one simply finds nothing."""

    __tablename__ = "search_terms"

    term: Mapped[str] = mapped_column(Text, primary_key=True)


Index(
    "ix_search_terms_trgm",
    SearchTerm.term,
    postgresql_using="gin",
    postgresql_ops={"term": "gin_trgm_ops"},
)
