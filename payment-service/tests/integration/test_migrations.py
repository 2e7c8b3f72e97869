"""The migrations build exactly the tables, constraints and indexes the models declare."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from payment_service.models import Base
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

# Created by the kit's migration helper, not declared in the metadata.
KIT_OWNED = {"ix_outbox_pending"}


async def test_migrations_produce_exactly_the_tables_of_the_models(database):
    engine = create_async_engine(database.sqlalchemy_url)
    try:
        async with engine.connect() as connection:
            diff = await connection.run_sync(
                lambda sync: compare_metadata(
                    MigrationContext.configure(sync, opts={"compare_type": True}), Base.metadata
                )
            )
            constraints = set(
                await connection.scalars(
                    text(
                        "SELECT conname FROM pg_constraint "
                        "WHERE connamespace = 'public'::regnamespace"
                    )
                )
            )
    finally:
        await engine.dispose()

    unexpected = [d for d in diff if not (d[0] == "remove_index" and d[1].name in KIT_OWNED)]
    assert unexpected == []
    # What makes a second charge or a second refund impossible, by name.
    assert {"uq_payments_order_id", "uq_refunds_payment_id"} <= constraints
    assert {
        "ck_payments_amount_not_negative",
        "ck_payments_payment_status",
        "ck_payment_methods_behaviour",
        "ck_processor_config_single_row",
    } <= constraints
