"""Payment methods, payments, refunds, the processor switch; the kit's outbox and inbox.

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


def _created_at() -> sa.Column:
    return sa.Column(
        "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
    )


def _updated_at() -> sa.Column:
    return sa.Column(
        "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
    )


def upgrade() -> None:
    op.create_table(
        "payment_methods",
        sa.Column("id", sa.Text(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("brand", sa.Text(), nullable=False),
        sa.Column("last4", sa.Text(), nullable=False),
        sa.Column("exp_month", sa.SmallInteger(), nullable=False),
        sa.Column("exp_year", sa.SmallInteger(), nullable=False),
        sa.Column(
            "behaviour",
            sa.Enum(
                "approve",
                "card_declined",
                "insufficient_funds",
                name="behaviour",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        _created_at(),
        sa.PrimaryKeyConstraint("id", name="pk_payment_methods"),
    )
    op.create_index("ix_payment_methods_user_id", "payment_methods", ["user_id"])

    op.create_table(
        "payments",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("order_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("payment_method_id", sa.Text(), nullable=True),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.Text(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "APPROVED",
                "DECLINED",
                "REFUNDED",
                name="payment_status",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("brand", sa.Text(), nullable=True),
        sa.Column("last4", sa.Text(), nullable=True),
        sa.Column("decline_reason", sa.Text(), nullable=True),
        _created_at(),
        _updated_at(),
        sa.CheckConstraint("amount_cents >= 0", name="amount_not_negative"),
        sa.PrimaryKeyConstraint("id", name="pk_payments"),
        # One payment per order: the database, not the code, rules out a second charge.
        sa.UniqueConstraint("order_id", name="uq_payments_order_id"),
    )
    op.create_index("ix_payments_user_id", "payments", ["user_id"])

    op.create_table(
        "refunds",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("payment_id", sa.Uuid(), nullable=False),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        _created_at(),
        sa.ForeignKeyConstraint(
            ["payment_id"],
            ["payments.id"],
            name="fk_refunds_payment_id_payments",
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_refunds"),
        sa.UniqueConstraint("payment_id", name="uq_refunds_payment_id"),
    )

    op.create_table(
        "processor_config",
        sa.Column("id", sa.SmallInteger(), nullable=False),
        sa.Column("decline_rate", sa.Float(), nullable=False),
        sa.Column("processing_delay_ms", sa.Integer(), nullable=False),
        sa.Column("updated_by", sa.Uuid(), nullable=False),
        _updated_at(),
        # Check constraints are named by the metadata's convention: ck_<table>_<name>.
        sa.CheckConstraint("id = 1", name="single_row"),
        sa.CheckConstraint("decline_rate >= 0 AND decline_rate <= 1", name="decline_rate_range"),
        sa.CheckConstraint("processing_delay_ms >= 0", name="delay_not_negative"),
        sa.PrimaryKeyConstraint("id", name="pk_processor_config"),
    )

    create_kit_tables()


def downgrade() -> None:
    op.drop_table("outbox")
    op.drop_table("inbox")
    op.drop_table("processor_config")
    op.drop_table("refunds")
    op.drop_table("payments")
    op.drop_table("payment_methods")
