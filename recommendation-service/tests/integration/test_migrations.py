"""The migrations build exactly the tables, columns, types and indexes the models declare."""

from recommendation_service.models import Base
from service_kit.testing import schema_drift


async def test_migrations_produce_exactly_the_tables_of_the_models(database):
    assert await schema_drift(database, Base.metadata) == []
