"""Emails stored NFKC-normalised and case-folded, so their unique index compares them folded.

Accounts whose emails fold to the same value are left as they are (the index could not hold
both) and named in the migration's output, for an operator to merge or rename.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-06
"""

import unicodedata
from collections import defaultdict
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _fold(text: str) -> str:
    # As auth_service.identifiers.fold at the time of this migration.
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())


def upgrade() -> None:
    conn = op.get_bind()
    by_folded: dict[str, list[tuple[object, str]]] = defaultdict(list)
    for user_id, email in conn.execute(sa.text("SELECT id, email FROM users")):
        by_folded[_fold(email)].append((user_id, email))
    for folded, users in by_folded.items():
        if len(users) > 1:
            ids = ", ".join(str(user_id) for user_id, _ in users)
            print(f"auth 0002: emails of users {ids} fold to one; left unchanged")
            continue
        [(user_id, email)] = users
        if email != folded:
            conn.execute(
                sa.text("UPDATE users SET email = :email WHERE id = :id"),
                {"email": folded, "id": user_id},
            )


def downgrade() -> None:
    """The emails as typed are not kept; folded ones stay valid."""
