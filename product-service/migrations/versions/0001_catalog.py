"""The catalog: products with a stored weighted search vector, the search vocabulary, and the
kit's outbox and inbox.

Revision ID: 0001
Revises:
Create Date: 2025-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql
from service_kit.migrations import create_kit_tables

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SEARCH_VECTOR_SQL = (
    "setweight(to_tsvector('english'::regconfig, name), 'A') || "
    "setweight(to_tsvector('english'::regconfig, replace(category, '-', ' ')), 'B') || "
    "setweight(to_tsvector('english'::regconfig, description), 'C') || "
    "setweight(jsonb_to_tsvector('english'::regconfig, attributes, '[\"string\"]'), 'C')"
)
LIVE = sa.text("deleted_at IS NULL")


def upgrade() -> None:
    create_kit_tables()
    op.create_table(
        "products",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), server_default="", nullable=False),
        sa.Column("price_cents", sa.Integer(), nullable=False),
        sa.Column("currency", sa.Text(), server_default="USD", nullable=False),
        sa.Column("category", sa.Text(), nullable=False),
        sa.Column("stock", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("stock_event_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("image_url", sa.Text(), nullable=True),
        sa.Column(
            "attributes",
            postgresql.JSONB(),
            server_default=sa.text("'{}'::jsonb"),
            nullable=False,
        ),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "search_vector",
            postgresql.TSVECTOR(),
            sa.Computed(SEARCH_VECTOR_SQL, persisted=True),
            nullable=False,
        ),
        sa.CheckConstraint("price_cents > 0", name="price_positive"),
        sa.CheckConstraint("stock >= 0", name="stock_not_negative"),
        sa.PrimaryKeyConstraint("id", name="pk_products"),
    )
    op.create_index(
        "ix_products_search",
        "products",
        ["search_vector"],
        postgresql_using="gin",
        postgresql_where=LIVE,
    )
    op.create_index(
        "ix_products_live_category",
        "products",
        ["category", "price_cents"],
        postgresql_include=["stock"],
        postgresql_where=LIVE,
    )
    op.create_index(
        "ix_products_live_price", "products", ["price_cents", "id"], postgresql_where=LIVE
    )
    op.create_index(
        "ix_products_live_created", "products", ["created_at", "id"], postgresql_where=LIVE
    )
    op.create_index(
        "ix_products_live_name",
        "products",
        [sa.text("lower(name)"), "id"],
        postgresql_where=LIVE,
    )
    op.create_table(
        "search_terms",
        sa.Column("term", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("term", name="pk_search_terms"),
    )
    op.create_index(
        "ix_search_terms_trgm",
        "search_terms",
        ["term"],
        postgresql_using="gin",
        postgresql_ops={"term": "gin_trgm_ops"},
    )


def downgrade() -> None:
    op.drop_table("search_terms")
    op.drop_table("products")
    op.drop_table("inbox")
    op.drop_table("outbox")
