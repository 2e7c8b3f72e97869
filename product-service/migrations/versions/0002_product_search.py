"""The narrow copy of live products that text searches read, filled from the catalog in
category order.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
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
        "ix_product_search_vector",
        "product_search",
        ["search_vector"],
        postgresql_using="gin",
    )


def downgrade() -> None:
    op.drop_table("product_search")
