"""A content revision per cart, new at every change: checkout takes each revision once.

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
    # A volatile default: each existing cart gets its own revision.
    op.add_column(
        "carts",
        sa.Column(
            "revision", sa.Uuid(), server_default=sa.func.gen_random_uuid(), nullable=False
        ),
    )


def downgrade() -> None:
    op.drop_column("carts", "revision")
