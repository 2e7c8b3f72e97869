"""The migrations build exactly the tables, constraints and indexes the models declare."""

from payment_service.models import Base
from service_kit.testing import schema_drift
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine


async def test_migrations_produce_exactly_the_tables_of_the_models(database):
    assert await schema_drift(database, Base.metadata) == []

    engine = create_async_engine(database.sqlalchemy_url)
    try:
        async with engine.connect() as connection:
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
    # What makes a second charge or a second refund impossible, by name.
    assert {"uq_payments_order_id", "uq_refunds_payment_id"} <= constraints
    assert {
        "ck_payments_amount_not_negative",
        "ck_payments_payment_status",
        "ck_payment_methods_behaviour",
        "ck_processor_config_single_row",
    } <= constraints
