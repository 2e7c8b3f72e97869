"""asyncpg directly (pg.py): handlers on a `Tx` get the same exactly-once inbox as session
handlers, events staged in a `Tx` follow their transaction, and a pooled connection never
carries a transaction to its next user."""

import asyncio
import contextlib
import time
import uuid

import asyncpg
import orjson
import pytest
from service_kit.consumer import Handlers, claim_inbox_sql, handle_event
from service_kit.outbox import ExchangeGetter, OutboxRelay, add_event
from service_kit.pg import Database, Tx, after_commit, create_pool
from shop_contracts import Envelope, parse_event
from shop_contracts.events import ProductDeleted, UserRegistered
from sqlalchemy import text


def _envelope(username: str = "alice") -> Envelope:
    event = UserRegistered(
        user_id=uuid.uuid4(), username=username, email="a@example.com", role="customer"
    )
    return Envelope.wrap(event, producer="test")


class TxProbe:
    def __init__(self) -> None:
        self.handlers = Handlers()
        self.failing = False

        @self.handlers.on(UserRegistered)
        async def on_user(tx: Tx, event: UserRegistered, envelope: Envelope) -> None:
            await tx.conn.execute(
                "INSERT INTO effects (event_id, note) VALUES ($1, $2)", envelope.id, event.username
            )
            await add_event(tx, ProductDeleted(product_id=event.user_id))
            if self.failing:
                raise RuntimeError("handler failure")


async def _counts(database: Database) -> tuple[int, int, int]:
    async with database.connection() as conn:
        row = await conn.fetchrow(
            "SELECT (SELECT count(*) FROM effects), (SELECT count(*) FROM inbox),"
            " (SELECT count(*) FROM outbox)"
        )
    assert row is not None
    return row[0], row[1], row[2]


async def test_a_tx_handler_applies_an_event_once_and_its_event_carries_the_causation(
    sessions, database
):
    probe = TxProbe()
    envelope = _envelope()
    assert await handle_event(database, probe.handlers, envelope) is True
    assert await handle_event(database, probe.handlers, envelope) is False
    assert await _counts(database) == (1, 1, 1)
    async with database.connection() as conn:
        body = await conn.fetchval("SELECT body FROM outbox")
        note = await conn.fetchval("SELECT note FROM effects")
    emitted = Envelope.model_validate_json(body)
    assert note == "alice"
    assert emitted.type == "product.deleted"
    assert emitted.producer == database.producer


async def test_a_failing_tx_handler_leaves_nothing_and_the_redelivery_applies_it(
    sessions, database
):
    probe = TxProbe()
    probe.failing = True
    envelope = _envelope()
    with pytest.raises(RuntimeError):
        await handle_event(database, probe.handlers, envelope)
    assert await _counts(database) == (0, 0, 0)  # no effect, no inbox row, no event
    probe.failing = False
    assert await handle_event(database, probe.handlers, envelope) is True
    assert await _counts(database) == (1, 1, 1)


async def test_an_event_staged_in_a_tx_is_published_after_commit_and_wakes_the_relay(
    database, settings, broker, tap
):
    rolled_back = ProductDeleted(product_id=uuid.uuid4())
    committed = ProductDeleted(product_id=uuid.uuid4())

    async def failing_unit_of_work() -> None:
        async with database.transaction() as tx:
            await add_event(tx, rolled_back)
            raise RuntimeError("the unit of work fails")

    with pytest.raises(RuntimeError):
        await failing_unit_of_work()
    relay = OutboxRelay(
        dsn=settings.database_dsn, exchange_getter=ExchangeGetter(broker), poll_interval=30.0
    )
    await relay.start()
    task = asyncio.create_task(relay.run())
    try:
        await asyncio.sleep(0.3)  # the relay now waits on its 30 s poll
        started = time.perf_counter()
        async with database.transaction() as tx:
            await add_event(tx, committed)
        (message,) = await tap.collect(1, timeout=5)
        elapsed = time.perf_counter() - started
    finally:
        await relay.stop()
        task.cancel()
    assert parse_event(orjson.loads(message.body))[1] == committed
    assert message.headers["traceparent"]
    assert elapsed < 2.0, f"published after {elapsed:.3f}s: the commit did not wake the relay"


async def test_a_connection_given_back_inside_a_transaction_is_rolled_back(sessions, settings):
    marker = uuid.uuid4()
    pool = await create_pool(settings.model_copy(update={"db_pool_size": 1}))
    try:
        async with pool.acquire() as conn:
            await conn.execute("BEGIN")
            await conn.execute("INSERT INTO effects (event_id, note) VALUES ($1, 'open')", marker)
        async with pool.acquire() as conn:  # the one connection of the pool, again
            assert not conn.is_in_transaction()
            count = "SELECT count(*) FROM effects WHERE event_id = $1"
            assert await conn.fetchval(count, marker) == 0
    finally:
        await pool.close()


async def test_json_columns_read_and_write_python_values(database):
    async with database.connection() as conn:
        value = await conn.fetchval("SELECT $1::jsonb", {"a": [1, "two"], "b": None})
    assert value == {"a": [1, "two"], "b": None}


async def test_after_commit_runs_once_committed_and_never_after_a_rollback(database):
    ran: list[str] = []
    async with database.transaction() as tx:
        tx.after_commit(lambda: ran.append("committed"))
        assert ran == []

    async def rolled_back() -> None:
        async with database.transaction() as tx:
            tx.after_commit(lambda: ran.append("rolled back"))
            raise RuntimeError("the unit of work fails")

    with pytest.raises(RuntimeError):
        await rolled_back()
    assert ran == ["committed"]


async def test_reads_leave_connections_to_writes(sessions, settings):
    pool = await create_pool(settings.model_copy(update={"db_pool_size": 4}))
    database = Database(pool, settings.service_name)
    release = asyncio.Event()
    reading = 0

    async def read() -> None:
        nonlocal reading
        async with database.connection() as conn:
            reading += 1
            await release.wait()
            await conn.fetchval("SELECT 1")

    readers = [asyncio.create_task(read()) for _ in range(6)]
    try:
        await asyncio.sleep(0.2)
        assert reading == 2  # four connections, two kept for writes
        async with asyncio.timeout(2), database.transaction() as tx:
            assert await tx.conn.fetchval("SELECT 1") == 1
    finally:
        release.set()
        await asyncio.gather(*readers)
        await pool.close()
    assert reading == 6


async def test_when_the_connection_dies_mid_transaction_the_original_error_is_raised(
    database, settings
):
    async def work_on_a_dying_connection() -> None:
        async with database.transaction() as tx:
            pid = await tx.conn.fetchval("SELECT pg_backend_pid()")
            async with database.connection() as other:
                await other.execute("SELECT pg_terminate_backend($1)", pid)
            raise LookupError("what the work ran into")

    with pytest.raises(LookupError, match="what the work ran into"):
        await work_on_a_dying_connection()
    async with database.transaction() as tx:  # the pool goes on with a live connection
        assert await tx.conn.fetchval("SELECT 1") == 1


async def test_the_inbox_claim_rides_with_begin_and_quotes_what_it_inlines(database):
    event_id = uuid.uuid4()
    claim = claim_inbox_sql(event_id, "odd'type")
    async with database.transaction(opening=claim) as tx:
        assert tx.opened == "INSERT 0 1"
        assert tx.conn.is_in_transaction()
    async with database.transaction(opening=claim) as tx:
        assert tx.opened == "INSERT 0 0"  # the second delivery finds the row
    async with database.connection() as conn:
        assert (
            await conn.fetchval("SELECT event_type FROM inbox WHERE event_id = $1", event_id)
            == "odd'type"
        )
    with pytest.raises(ValueError, match="hexadecimal UUID"):
        claim_inbox_sql("1'); DROP TABLE inbox; --", "user.registered")  # type: ignore[arg-type]


async def test_work_whose_failed_statement_was_caught_is_reported_not_silently_lost(database):
    marker = uuid.uuid4()

    async def swallowing_unit_of_work() -> None:
        async with database.transaction() as tx:
            await tx.conn.execute("INSERT INTO effects (event_id, note) VALUES ($1, 'x')", marker)
            with contextlib.suppress(asyncpg.PostgresError):
                await tx.conn.execute("SELECT 1 / 0")

    with pytest.raises(asyncpg.InFailedSQLTransactionError):
        await swallowing_unit_of_work()
    async with database.connection() as conn:
        assert await conn.fetchval("SELECT count(*) FROM effects WHERE event_id = $1", marker) == 0


async def test_after_commit_of_a_session_runs_once_it_has_committed(sessions):
    ran: list[str] = []
    async with sessions() as session:
        async with session.begin():
            after_commit(session, lambda: ran.append("committed"))
            await session.execute(text("SELECT 1"))
            assert ran == []
        assert ran == ["committed"]
        async with session.begin():
            await session.execute(text("SELECT 1"))
        assert ran == ["committed"]  # once, not on the session's next commits
