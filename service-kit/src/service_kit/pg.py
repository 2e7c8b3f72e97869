"""asyncpg directly, for the hot paths (DESIGN.md: "SQLAlchemy 2 async on asyncpg, or asyncpg
directly on hot paths").

The checkout saga runs a dozen transactions per order across the services. Through the ORM a
transaction around one `SELECT 1` costs ~310 µs of CPU, against ~50 µs on a pooled asyncpg
connection; each ORM statement adds ~70-200 µs more. The saga's requests and event handlers
therefore take a `Tx`: one pooled connection inside one transaction, and the name the service
publishes under, so `outbox.add_event(tx, event)` stages events in it as it does in a session.
SQL stays in each service's repository, written out with `$n` parameters.

The pool skips asyncpg's reset query on release (`RESET ALL`, `UNLISTEN *`, …, a round trip
per checkout of a connection): nothing here sets session state, and a connection given back
inside a transaction is rolled back first.
"""

import asyncio
import logging
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Annotated, Any, Protocol

import asyncpg
import orjson
from fastapi import Depends, Request
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession

from service_kit.config import ServiceSettings
from service_kit.db import KEPT_FOR_WRITES

log = logging.getLogger(__name__)


class CommittedEventPublisher(Protocol):
    """Sends the outbox rows a transaction staged, once it has committed (outbox.py)."""

    def publish_committed(self, rows: Sequence[Any]) -> None: ...


@dataclass(frozen=True, slots=True)
class Tx:
    """One open transaction on one pooled connection, and the producer of the events it
    stages. `info` holds the service's own objects for its use cases (as a session's `info`
    does); `after_commit` runs a function once the transaction has committed. With a
    `publisher`, the events staged here are sent by this process right after the commit
    (`staged`), instead of waiting for the relay to claim them."""

    conn: asyncpg.Connection
    producer: str
    info: Mapping[str, Any] = field(default_factory=dict)
    publisher: CommittedEventPublisher | None = None
    opened: str = ""  # the command status of the transaction's opening statement
    staged: list[Any] = field(default_factory=list)
    _committed: list[Callable[[], None]] = field(default_factory=list)

    def after_commit(self, fn: Callable[[], None]) -> None:
        self._committed.append(fn)


def after_commit(target: "AsyncSession | Tx", fn: Callable[[], None]) -> None:
    """Run `fn` once the transaction of `target` (an ORM session, or a `Tx`) has committed."""
    if isinstance(target, Tx):
        target.after_commit(fn)
        return
    event.listen(target.sync_session, "after_commit", lambda _session: fn(), once=True)


async def _set_codecs(conn: asyncpg.Connection) -> None:
    for name in ("json", "jsonb"):
        await conn.set_type_codec(name, encoder=_json, decoder=orjson.loads, schema="pg_catalog")


def _json(value: object) -> str:
    return orjson.dumps(value).decode()


async def _reset(conn: asyncpg.Connection) -> None:
    if conn.is_in_transaction():
        await conn.execute("ROLLBACK")


async def create_pool(settings: ServiceSettings) -> asyncpg.Pool:
    pool = await asyncpg.create_pool(
        settings.database_dsn,
        min_size=1,
        max_size=settings.db_pool_size,
        init=_set_codecs,
        reset=_reset,
        server_settings={"application_name": settings.service_name},
    )
    assert pool is not None
    return pool


class Database:
    """The service's pool, and the name it publishes under.

    Reads take at most all but KEPT_FOR_WRITES of the pool's connections, in the order they
    asked (as `db.ReadSessions`), so a burst of reads never leaves a write or an event handler
    waiting for a connection."""

    def __init__(self, pool: asyncpg.Pool, producer: str) -> None:
        self.pool = pool
        self.producer = producer
        self.info: dict[str, Any] = {}
        self.publisher: CommittedEventPublisher | None = None
        self._reads = asyncio.Semaphore(max(1, pool.get_max_size() - KEPT_FOR_WRITES))

    @asynccontextmanager
    async def transaction(self, opening: str = "") -> AsyncIterator[Tx]:
        """A unit of work: commits when the block ends, rolls back if it raises.

        `opening`, SQL without parameters, is sent in one round trip with the BEGIN (the
        simple query protocol takes several statements); its command status is `tx.opened`."""
        async with self.pool.acquire() as conn:
            opened = await conn.execute(f"BEGIN;{opening}")
            tx = Tx(conn, self.producer, self.info, self.publisher, opened)
            try:
                yield tx
            except BaseException:
                # The error that ended the work is the one to report: a rollback that fails too
                # (the connection died) leaves the pool to discard the connection.
                try:
                    await conn.execute("ROLLBACK")
                except Exception:
                    log.warning("rollback failed; the connection is discarded", exc_info=True)
                raise
            if await conn.execute("COMMIT") == "ROLLBACK":
                # A statement failed and its error was caught: nothing of the work was kept.
                raise asyncpg.InFailedSQLTransactionError("the transaction was rolled back")
        if tx.staged and tx.publisher is not None:
            tx.publisher.publish_committed(tx.staged)
        for fn in tx._committed:
            fn()

    @asynccontextmanager
    async def connection(self) -> AsyncIterator[asyncpg.Connection]:
        """For reads: no transaction, so no BEGIN and COMMIT round trips."""
        async with self._reads, self.pool.acquire() as conn:
            yield conn


async def _database(request: Request) -> Database:
    database: Database = request.app.state.kit.database
    return database


async def _transaction(database: Annotated[Database, Depends(_database)]) -> AsyncIterator[Tx]:
    async with database.transaction() as tx:
        yield tx


async def _connection(
    database: Annotated[Database, Depends(_database)],
) -> AsyncIterator[asyncpg.Connection]:
    async with database.connection() as conn:
        yield conn


# Function scope, as SessionDep: the commit happens before the response is sent.
TxDep = Annotated[Tx, Depends(_transaction, scope="function")]
ConnectionDep = Annotated[asyncpg.Connection, Depends(_connection)]
DatabaseDep = Annotated[Database, Depends(_database)]
