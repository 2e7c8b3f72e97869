"""Every statement that writes a roll-up the reports read notifies `analytics_changed` (sent
at commit, once per transaction): each replica's report cache drops its answers (cache.py).

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-07
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

REPORTED = ("sales_hours", "customer_hours", "product_sales", "product_names")


def upgrade() -> None:
    op.execute(
        """
        CREATE FUNCTION notify_analytics_changed() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM pg_notify('analytics_changed', '');
            RETURN NULL;
        END $$
        """
    )
    for table in REPORTED:
        op.execute(
            f"CREATE TRIGGER {table}_changed "
            f"AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION notify_analytics_changed()"
        )


def downgrade() -> None:
    for table in REPORTED:
        op.execute(f"DROP TRIGGER {table}_changed ON {table}")
    op.execute("DROP FUNCTION notify_analytics_changed()")
