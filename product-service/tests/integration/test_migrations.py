from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from product_service.models import Base
from sqlalchemy.ext.asyncio import create_async_engine

# Created by the kit's migration helper, not declared in the metadata.
KIT_OWNED = {"ix_outbox_pending"}


async def test_migrations_produce_exactly_the_tables_of_the_models(database):
    engine = create_async_engine(database.sqlalchemy_url)
    try:
        async with engine.connect() as connection:
            diff = await connection.run_sync(
                lambda sync: compare_metadata(MigrationContext.configure(sync), Base.metadata)
            )
    finally:
        await engine.dispose()

    unexpected = [d for d in diff if not (d[0] == "remove_index" and d[1].name in KIT_OWNED)]
    assert unexpected == []
