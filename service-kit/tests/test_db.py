"""Read sessions: no transaction around a read, and connections handed out in arrival order.
The schema comparison the services' migration tests rely on."""

import asyncio

from service_kit.config import ServiceSettings
from service_kit.db import KEPT_FOR_WRITES, ReadSessions
from service_kit.testing import schema_drift
from sqlalchemy import Column, Integer, MetaData, Table, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker


async def test_a_read_session_runs_each_statement_in_its_own_transaction(
    engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession]
) -> None:
    reads = ReadSessions.of(engine, sessions, pool_size=8)
    async with reads() as session:
        first = (await session.execute(text("SELECT txid_current()"))).scalar_one()
        second = (await session.execute(text("SELECT txid_current()"))).scalar_one()
    # Inside a transaction both would name the same one.
    assert second > first

    async with sessions() as session, session.begin():
        first = (await session.execute(text("SELECT txid_current()"))).scalar_one()
        second = (await session.execute(text("SELECT txid_current()"))).scalar_one()
    assert second == first


async def test_read_sessions_leave_connections_for_writes_and_serve_in_arrival_order(
    engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession]
) -> None:
    reads = ReadSessions.of(engine, sessions, pool_size=KEPT_FOR_WRITES + 2)
    order: list[int] = []
    release = asyncio.Event()
    inside = 0
    most_inside = 0

    async def read(n: int) -> None:
        nonlocal inside, most_inside
        async with reads() as session:
            inside += 1
            most_inside = max(most_inside, inside)
            order.append(n)
            await session.execute(text("SELECT 1"))
            await release.wait()
            inside -= 1

    tasks = []
    for n in range(6):
        tasks.append(asyncio.create_task(read(n)))
        await asyncio.sleep(0.01)
    await asyncio.sleep(0.1)
    assert most_inside == 2  # pool of 4, two kept for writes
    release.set()
    await asyncio.gather(*tasks)
    assert order == [0, 1, 2, 3, 4, 5]


async def test_schema_drift_is_empty_for_the_declared_tables_and_names_a_missing_one(
    engine: AsyncEngine, settings: ServiceSettings, kit_metadata: MetaData
) -> None:
    declared = MetaData()
    for table in kit_metadata.tables.values():
        table.to_metadata(declared)
    # The database was built from `metadata` plus the kit's outbox index: nothing differs.
    assert await schema_drift(settings, declared) == []

    Table("not_migrated", declared, Column("id", Integer, primary_key=True))
    drift = await schema_drift(settings, declared)
    assert [(d[0], d[1].name) for d in drift] == [("add_table", "not_migrated")]
