"""Product read model, carts and their lines; the kit's outbox and inbox.

Revision ID: 0001
Revises:
Create Date: 2025-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from service_kit.migrations import create_kit_tables

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _now(name: str) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False)


def upgrade() -> None:
    op.create_table(
        "products",
        sa.Column("product_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.Text(), nullable=True),
        sa.Column("price_cents", sa.Integer(), nullable=True),
        sa.Column("currency", sa.Text(), server_default=sa.text("'USD'"), nullable=False),
        sa.Column("stock", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("deleted", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("catalog_as_of", sa.DateTime(timezone=True), nullable=True),
        sa.Column("stock_as_of", sa.DateTime(timezone=True), nullable=True),
        _now("updated_at"),
        sa.PrimaryKeyConstraint("product_id", name="pk_products"),
    )

    op.create_table(
        "carts",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        _now("created_at"),
        _now("updated_at"),
        sa.PrimaryKeyConstraint("user_id", name="pk_carts"),
    )

    op.create_table(
        "cart_items",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("product_id", sa.Uuid(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("unit_price_cents", sa.Integer(), nullable=False),
        _now("added_at"),
        _now("updated_at"),
        sa.CheckConstraint("quantity BETWEEN 1 AND 99", name="ck_cart_items_quantity_range"),
        sa.ForeignKeyConstraint(
            ["user_id"], ["carts.user_id"], name="fk_cart_items_user_id_carts", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", "product_id", name="pk_cart_items"),
    )

    create_kit_tables()


def downgrade() -> None:
    op.drop_table("outbox")
    op.drop_table("inbox")
    op.drop_table("cart_items")
    op.drop_table("carts")
    op.drop_table("products")
