from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from cart_service.models import Base
from service_kit.migrations import OUTBOX_PENDING_INDEX


def _is_kit_index(name: str | None) -> bool:
    # The kit adds its partial outbox index with raw SQL, outside any metadata.
    return name is not None and name in OUTBOX_PENDING_INDEX


async def test_migrations_create_exactly_the_tables_the_models_describe(sessions):
    opts = {
        "compare_type": True,
        "include_name": lambda name, kind, _: not (kind == "index" and _is_kit_index(name)),
    }
    async with sessions() as session:
        connection = await session.connection()
        diff = await connection.run_sync(
            lambda sync: compare_metadata(
                MigrationContext.configure(sync, opts=opts), Base.metadata
            )
        )
    assert diff == []
