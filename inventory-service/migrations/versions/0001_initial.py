"""Stock records, the stock ledger, order decrement decisions; the kit's outbox and inbox.

Revision ID: 0001
Revises:
Create Date: 2025-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from service_kit.migrations import create_kit_tables
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _now(name: str) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False)


def upgrade() -> None:
    op.create_table(
        "stock_items",
        sa.Column("product_id", sa.Uuid(), nullable=False),
        sa.Column("stock", sa.Integer(), nullable=False),
        _now("created_at"),
        _now("updated_at"),
        sa.Column("removed_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("stock >= 0", name="ck_stock_items_stock_not_negative"),
        sa.PrimaryKeyConstraint("product_id", name="pk_stock_items"),
    )
    op.create_index(
        "ix_stock_items_stock",
        "stock_items",
        ["stock"],
        postgresql_where=sa.text("removed_at IS NULL"),
    )

    op.create_table(
        "stock_movements",
        sa.Column("id", sa.BigInteger(), sa.Identity(), nullable=False),
        sa.Column("product_id", sa.Uuid(), nullable=False),
        sa.Column("delta", sa.Integer(), nullable=False),
        sa.Column("stock_after", sa.Integer(), nullable=False),
        sa.Column(
            "reason",
            sa.Enum(
                "initial",
                "restock",
                "admin",
                "order",
                "order_return",
                name="movement_reason",
                native_enum=False,
                create_constraint=True,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("order_id", sa.Uuid(), nullable=True),
        sa.Column("actor_id", sa.Uuid(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        _now("at"),
        sa.PrimaryKeyConstraint("id", name="pk_stock_movements"),
    )
    op.create_index("ix_stock_movements_product_id", "stock_movements", ["product_id"])
    op.create_index(
        "uq_stock_movements_order_product",
        "stock_movements",
        ["order_id", "product_id"],
        unique=True,
        postgresql_where=sa.text("reason = 'order'"),
    )

    op.create_table(
        "order_decrements",
        sa.Column("order_id", sa.Uuid(), nullable=False),
        sa.Column(
            "outcome",
            sa.Enum(
                "applied",
                "insufficient",
                "cancelled",
                "returned",
                name="decrement_outcome",
                native_enum=False,
                create_constraint=True,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column(
            "shortages",
            postgresql.JSONB(),
            server_default=sa.text("'[]'::jsonb"),
            nullable=False,
        ),
        _now("decided_at"),
        sa.PrimaryKeyConstraint("order_id", name="pk_order_decrements"),
    )

    create_kit_tables()


def downgrade() -> None:
    op.drop_table("outbox")
    op.drop_table("inbox")
    op.drop_table("order_decrements")
    op.drop_table("stock_movements")
    op.drop_table("stock_items")
