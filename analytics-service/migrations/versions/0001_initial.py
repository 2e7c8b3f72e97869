"""Stored events, order facts, the roll-ups (per hour, per customer and hour, per product),
product names, carts; the kit's outbox and inbox.

Revision ID: 0001
Revises:
Create Date: 2026-12-06
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


def _time(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _count(name: str) -> sa.Column:
    return sa.Column(name, sa.BigInteger(), server_default=sa.text("0"), nullable=False)


def _flag(name: str) -> sa.Column:
    return sa.Column(name, sa.Boolean(), server_default=sa.text("false"), nullable=False)


def upgrade() -> None:
    op.create_table(
        "events",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("type", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        _time("occurred_at"),
        sa.Column("producer", sa.Text(), nullable=False),
        sa.Column("correlation_id", sa.Uuid(), nullable=False),
        sa.Column("data", postgresql.JSONB(), nullable=False),
        sa.Column(
            "received_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.PrimaryKeyConstraint("id", name="pk_events"),
    )

    op.create_table(
        "order_facts",
        sa.Column("order_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=True),
        _time("placed_at", nullable=True),
        sa.Column("total_cents", sa.BigInteger(), nullable=True),
        sa.Column("paid_cents", sa.BigInteger(), nullable=True),
        _count("refunded_cents"),
        sa.Column("items", postgresql.JSONB(), nullable=True),
        _flag("created"),
        _flag("paid"),
        _flag("payment_failed"),
        _flag("cancelled"),
        _flag("shipped"),
        sa.PrimaryKeyConstraint("order_id", name="pk_order_facts"),
    )

    op.create_table(
        "sales_hours",
        _time("hour"),
        *(
            _count(name)
            for name in (
                "orders",
                "paid_orders",
                "cancelled_orders",
                "revenue_cents",
                "units",
                "payment_failures",
                "refunds",
                "refunded_cents",
            )
        ),
        sa.PrimaryKeyConstraint("hour", name="pk_sales_hours"),
    )

    op.create_table(
        "customer_hours",
        _time("hour"),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        _count("paid_orders"),
        sa.PrimaryKeyConstraint("hour", "user_id", name="pk_customer_hours"),
    )

    op.create_table(
        "product_sales",
        sa.Column("product_id", sa.Uuid(), nullable=False),
        _count("units"),
        _count("revenue_cents"),
        sa.PrimaryKeyConstraint("product_id", name="pk_product_sales"),
    )

    op.create_table(
        "product_names",
        sa.Column("product_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("source_rank", sa.Integer(), nullable=False),
        _time("named_at"),
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.PrimaryKeyConstraint("product_id", name="pk_product_names"),
    )

    op.create_table(
        "carts",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("item_count", sa.Integer(), server_default=sa.text("0"), nullable=False),
        _count("value_cents"),
        _time("updated_at", nullable=True),
        sa.Column("event_id", sa.Uuid(), nullable=True),
        _time("last_order_at", nullable=True),
        sa.PrimaryKeyConstraint("user_id", name="pk_carts"),
    )
    op.create_index(
        "ix_carts_idle", "carts", ["updated_at"], postgresql_where=sa.text("item_count > 0")
    )

    create_kit_tables()


def downgrade() -> None:
    op.drop_table("outbox")
    op.drop_table("inbox")
    op.drop_table("carts")
    op.drop_table("product_names")
    op.drop_table("product_sales")
    op.drop_table("customer_hours")
    op.drop_table("sales_hours")
    op.drop_table("order_facts")
    op.drop_table("events")
