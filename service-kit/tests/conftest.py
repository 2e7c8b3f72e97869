"""Kit tests run against the real PostgreSQL and RabbitMQ, in a database of their own."""

import asyncio
import uuid
from collections.abc import AsyncIterator

import aio_pika
import pytest
from service_kit.config import ServiceSettings
from service_kit.db import create_engine, create_session_factory, drop_database, ensure_database
from service_kit.migrations import OUTBOX_PENDING_INDEX, add_kit_tables
from service_kit.pg import Database, create_pool
from sqlalchemy import Column, Integer, MetaData, Table, Text, text
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

metadata = MetaData()
add_kit_tables(metadata)
effects = Table(
    "effects",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("event_id", UUID(as_uuid=True), nullable=False),
    Column("note", Text),
)


@pytest.fixture(scope="session")
def kit_metadata() -> MetaData:
    """The tables the suite's database is built from."""
    return metadata


@pytest.fixture(scope="session")
def settings() -> ServiceSettings:
    return ServiceSettings(service_name="kittest-service", database_name="shop_kit_test")


@pytest.fixture(scope="session")
async def engine(settings: ServiceSettings) -> AsyncIterator[AsyncEngine]:
    await drop_database(settings)
    await ensure_database(settings)
    engine = create_engine(settings)
    async with engine.begin() as conn:
        await conn.run_sync(metadata.create_all)
        await conn.execute(text(OUTBOX_PENDING_INDEX))
    yield engine
    await engine.dispose()


@pytest.fixture
async def sessions(
    engine: AsyncEngine, settings: ServiceSettings
) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    async with engine.begin() as conn:
        await conn.execute(text("TRUNCATE outbox, inbox, effects"))
    yield create_session_factory(engine, settings)


@pytest.fixture
async def database(sessions, settings) -> AsyncIterator[Database]:
    """The pool, on the suite's database (emptied by `sessions`)."""
    pool = await create_pool(settings)
    yield Database(pool, settings.service_name)
    await pool.close()


@pytest.fixture
async def broker(settings: ServiceSettings) -> AsyncIterator[aio_pika.abc.AbstractRobustConnection]:
    connection = await aio_pika.connect_robust(settings.amqp_url.get_secret_value())
    yield connection
    await connection.close()


@pytest.fixture
async def tap(
    broker: aio_pika.abc.AbstractRobustConnection,
) -> AsyncIterator["Tap"]:
    """A private queue bound to every event, to see what was published."""
    channel = await broker.channel()
    exchange = await channel.declare_exchange(
        "shop.events", aio_pika.ExchangeType.TOPIC, durable=True
    )
    queue = await channel.declare_queue(f"tap-{uuid.uuid4().hex[:8]}", exclusive=True)
    await queue.bind(exchange, "#")
    yield Tap(queue)
    await channel.close()


class Tap:
    def __init__(self, queue: aio_pika.abc.AbstractQueue) -> None:
        self.queue = queue

    async def collect(
        self, expected: int, timeout: float = 5.0
    ) -> list[aio_pika.abc.AbstractIncomingMessage]:
        got: list[aio_pika.abc.AbstractIncomingMessage] = []
        deadline = asyncio.get_running_loop().time() + timeout
        while asyncio.get_running_loop().time() < deadline:
            message = await self.queue.get(no_ack=True, fail=False)
            if message is None:
                if len(got) >= expected:
                    await asyncio.sleep(0.2)
                    if (extra := await self.queue.get(no_ack=True, fail=False)) is None:
                        return got
                    got.append(extra)
                    continue
                await asyncio.sleep(0.02)
                continue
            got.append(message)
        return got
