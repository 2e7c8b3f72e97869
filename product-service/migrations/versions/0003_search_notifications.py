"""Every change of `product_search` is announced on the channel `product_search_changed`, so
each replica's search index re-reads the changed rows: the ids, comma-separated, or `*` (reload
everything) for a statement that changed more than 100 rows or a TRUNCATE. Notifications are
delivered at commit, in commit order, and not at all after a rollback.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-05
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# A payload is at most 8000 bytes: 100 ids of 37 characters fit.
_ROWS = """
CREATE FUNCTION product_search_notify_rows() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    changed_ids text;
BEGIN
    SELECT CASE WHEN count(*) > 100 THEN '*' ELSE string_agg(id::text, ',') END
    INTO changed_ids FROM changed_rows;
    IF changed_ids IS NOT NULL THEN
        PERFORM pg_notify('product_search_changed', changed_ids);
    END IF;
    RETURN NULL;
END
$$
"""
_ALL = """
CREATE FUNCTION product_search_notify_all() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('product_search_changed', '*');
    RETURN NULL;
END
$$
"""


def upgrade() -> None:
    op.execute(_ROWS)
    op.execute(_ALL)
    # A trigger with a transition table takes one event.
    for event, table in (("INSERT", "NEW"), ("UPDATE", "NEW"), ("DELETE", "OLD")):
        op.execute(
            f"CREATE TRIGGER product_search_{event.lower()}_notify AFTER {event}"
            f" ON product_search REFERENCING {table} TABLE AS changed_rows"
            " FOR EACH STATEMENT EXECUTE FUNCTION product_search_notify_rows()"
        )
    op.execute(
        "CREATE TRIGGER product_search_truncate_notify AFTER TRUNCATE ON product_search"
        " FOR EACH STATEMENT EXECUTE FUNCTION product_search_notify_all()"
    )


def downgrade() -> None:
    for event in ("insert", "update", "delete", "truncate"):
        op.execute(f"DROP TRIGGER product_search_{event}_notify ON product_search")
    op.execute("DROP FUNCTION product_search_notify_rows()")
    op.execute("DROP FUNCTION product_search_notify_all()")
