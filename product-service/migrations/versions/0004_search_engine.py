"""Searches move to each replica's search index (decision 37): the search rows, their vector,
the vocabulary and the indexes only searches read go; every change of `products` is announced
on the channel `products_changed`, so each replica's index re-reads the changed products: the
ids, comma-separated, or `*` (build everything again) for a statement that changed more than 100
rows or a TRUNCATE. Notifications are delivered at commit, in commit order, and not at all after
a rollback.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_EVENTS = (("INSERT", "NEW"), ("UPDATE", "NEW"), ("DELETE", "OLD"))
_LIVE = sa.text("deleted_at IS NULL")
# Revision 0001's weighted vector (name A, category B, description and attribute texts C).
_SEARCH_VECTOR_SQL = (
    "setweight(to_tsvector('english'::regconfig, name), 'A') || "
    "setweight(to_tsvector('english'::regconfig, replace(category, '-', ' ')), 'B') || "
    "setweight(to_tsvector('english'::regconfig, description), 'C') || "
    "setweight(jsonb_to_tsvector('english'::regconfig, attributes, '[\"string\"]'), 'C')"
)

# A payload is at most 8000 bytes: 100 ids of 37 characters fit.
_ROWS = """
CREATE FUNCTION products_notify_rows() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    changed_ids text;
BEGIN
    SELECT CASE WHEN count(*) > 100 THEN '*' ELSE string_agg(id::text, ',') END
    INTO changed_ids FROM changed_rows;
    IF changed_ids IS NOT NULL THEN
        PERFORM pg_notify('products_changed', changed_ids);
    END IF;
    RETURN NULL;
END
$$
"""
_ALL = """
CREATE FUNCTION products_notify_all() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('products_changed', '*');
    RETURN NULL;
END
$$
"""


def upgrade() -> None:
    for event, _ in _EVENTS:
        op.execute(f"DROP TRIGGER product_search_{event.lower()}_notify ON product_search")
    op.execute("DROP TRIGGER product_search_truncate_notify ON product_search")
    op.execute("DROP FUNCTION product_search_notify_rows()")
    op.execute("DROP FUNCTION product_search_notify_all()")
    op.drop_table("product_search")
    op.drop_table("search_terms")
    for index in ("search", "live_price", "live_created", "live_name"):
        op.drop_index(f"ix_products_{index}", table_name="products")
    op.drop_column("products", "search_vector")
    op.execute(_ROWS)
    op.execute(_ALL)
    # A trigger with a transition table takes one event.
    for event, table in _EVENTS:
        op.execute(
            f"CREATE TRIGGER products_{event.lower()}_notify AFTER {event}"
            f" ON products REFERENCING {table} TABLE AS changed_rows"
            " FOR EACH STATEMENT EXECUTE FUNCTION products_notify_rows()"
        )
    op.execute(
        "CREATE TRIGGER products_truncate_notify AFTER TRUNCATE ON products"
        " FOR EACH STATEMENT EXECUTE FUNCTION products_notify_all()"
    )


def downgrade() -> None:
    """The PostgreSQL search of revision 0003 again, filled from the live products."""
    for event, _ in _EVENTS:
        op.execute(f"DROP TRIGGER products_{event.lower()}_notify ON products")
    op.execute("DROP TRIGGER products_truncate_notify ON products")
    op.execute("DROP FUNCTION products_notify_rows()")
    op.execute("DROP FUNCTION products_notify_all()")
    op.execute(
        f"ALTER TABLE products ADD COLUMN search_vector tsvector NOT NULL"
        f" GENERATED ALWAYS AS ({_SEARCH_VECTOR_SQL}) STORED"
    )
    op.create_index(
        "ix_products_search", "products", ["search_vector"], postgresql_using="gin",
        postgresql_where=_LIVE,
    )  # fmt: skip
    op.create_index(
        "ix_products_live_price", "products", ["price_cents", "id"], postgresql_where=_LIVE
    )
    op.create_index(
        "ix_products_live_created", "products", ["created_at", "id"], postgresql_where=_LIVE
    )
    op.create_index(
        "ix_products_live_name", "products", [sa.text("lower(name)"), "id"],
        postgresql_where=_LIVE,
    )  # fmt: skip
    op.create_table(
        "search_terms",
        sa.Column("term", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("term", name="pk_search_terms"),
    )
    op.create_index(
        "ix_search_terms_trgm", "search_terms", ["term"], postgresql_using="gin",
        postgresql_ops={"term": "gin_trgm_ops"},
    )  # fmt: skip
    op.execute(
        "INSERT INTO search_terms (term) SELECT DISTINCT word FROM products,"
        " regexp_split_to_table(lower(name || ' ' || replace(category, '-', ' ') || ' ' ||"
        " coalesce((SELECT string_agg(value, ' ') FROM jsonb_each_text(attributes)), '')),"
        " '[^[:alnum:]]+') AS word WHERE deleted_at IS NULL AND length(word) BETWEEN 3 AND 40"
        " AND word !~ '[[:digit:]]' ON CONFLICT DO NOTHING"
    )
    op.create_table(
        "product_search",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("category", sa.Text(), nullable=False),
        sa.Column("price_cents", sa.Integer(), nullable=False),
        sa.Column("stock", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sort_name", sa.Text(), nullable=False),
        sa.Column("search_vector", postgresql.TSVECTOR(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_product_search"),
    )
    op.execute(
        "INSERT INTO product_search"
        " (id, category, price_cents, stock, created_at, sort_name, search_vector)"
        " SELECT id, category, price_cents, stock, created_at, lower(name), search_vector"
        " FROM products WHERE deleted_at IS NULL ORDER BY category, price_cents"
    )
    op.create_index(
        "ix_product_search_vector", "product_search", ["search_vector"], postgresql_using="gin"
    )
    op.execute(_ROWS.replace("products_notify_rows", "product_search_notify_rows").replace(
        "'products_changed'", "'product_search_changed'"
    ))  # fmt: skip
    op.execute(_ALL.replace("products_notify_all", "product_search_notify_all").replace(
        "'products_changed'", "'product_search_changed'"
    ))  # fmt: skip
    for event, table in _EVENTS:
        op.execute(
            f"CREATE TRIGGER product_search_{event.lower()}_notify AFTER {event}"
            f" ON product_search REFERENCING {table} TABLE AS changed_rows"
            " FOR EACH STATEMENT EXECUTE FUNCTION product_search_notify_rows()"
        )
    op.execute(
        "CREATE TRIGGER product_search_truncate_notify AFTER TRUNCATE ON product_search"
        " FOR EACH STATEMENT EXECUTE FUNCTION product_search_notify_all()"
    )
