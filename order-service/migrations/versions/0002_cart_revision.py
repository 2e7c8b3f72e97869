"""The cart revision an order was placed from, unique: one order per content of a cart.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Orders placed before have none (NULLs do not collide).
    op.add_column("orders", sa.Column("cart_revision", sa.Uuid(), nullable=True))
    op.create_unique_constraint("uq_orders_cart_revision", "orders", ["cart_revision"])


def downgrade() -> None:
    op.drop_constraint("uq_orders_cart_revision", "orders", type_="unique")
    op.drop_column("orders", "cart_revision")
