"""Database: one async engine and pool per service, a session per request that commits once,
sessions without a transaction for reads, and creation of the service's own database and
role."""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated

import asyncpg
from fastapi import Depends, Request
from sqlalchemy import MetaData
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import DeclarativeBase

from service_kit.config import ServiceSettings

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def declarative_base() -> type[DeclarativeBase]:
    """A fresh declarative base per service, so two services' tables never share metadata."""

    class Base(DeclarativeBase):
        metadata = MetaData(naming_convention=NAMING_CONVENTION)

    return Base


def create_engine(settings: ServiceSettings) -> AsyncEngine:
    return create_async_engine(
        settings.sqlalchemy_url,
        pool_size=settings.db_pool_size,
        max_overflow=0,
        pool_pre_ping=False,
        connect_args={"server_settings": {"application_name": settings.service_name}},
    )


def create_session_factory(
    engine: AsyncEngine, settings: ServiceSettings
) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(
        engine,
        expire_on_commit=False,
        info={"producer": settings.service_name},
    )


async def request_session(request: Request) -> AsyncIterator[AsyncSession]:
    """The request's unit of work: everything it writes commits together, or not at all."""
    factory: async_sessionmaker[AsyncSession] = request.app.state.kit.sessions
    async with factory() as session, session.begin():
        yield session


# Function scope: the commit happens before the response is sent, so a client never sees a
# success whose commit then fails (the default, request scope, commits after sending).
SessionDep = Annotated[AsyncSession, Depends(request_session, scope="function")]

# Pool connections that reads leave to writes and event handlers.
KEPT_FOR_WRITES = 2


class ReadSessions:
    """Sessions for work that only reads: no transaction, so no BEGIN and COMMIT round trips
    around the one or two queries of a read (measured on product pages: ~20-40 % of their
    time). Anything that writes uses SessionDep, the unit of work.

    At most `limit` at once, handed out in the order they were asked for. The pool alone is
    not fair: a connection given back wakes the oldest waiter, but a request arriving before it
    runs takes the connection, and the waiter queues again at the back. At 16 connections on a
    pool of 8, that made 1-2 % of product pages wait 0.4-0.7 s (p50 7 ms)."""

    def __init__(
        self, factory: async_sessionmaker[AsyncSession], engine: AsyncEngine, limit: int
    ) -> None:
        self._factory = factory
        self._engine = engine
        self._gate = asyncio.Semaphore(limit)  # first come, first served

    @classmethod
    def of(
        cls, engine: AsyncEngine, factory: async_sessionmaker[AsyncSession], pool_size: int
    ) -> "ReadSessions":
        autocommit = engine.execution_options(isolation_level="AUTOCOMMIT")
        return cls(factory, autocommit, max(1, pool_size - KEPT_FOR_WRITES))

    @asynccontextmanager
    async def __call__(self) -> AsyncIterator[AsyncSession]:
        async with self._gate, self._factory(bind=self._engine) as session:
            yield session


# `async def` even where nothing is awaited: FastAPI runs a plain `def` dependency in its
# thread pool, a thread hop per request.
async def read_sessions(request: Request) -> ReadSessions:
    sessions: ReadSessions = request.app.state.kit.read_sessions
    return sessions


async def read_session(
    sessions: Annotated[ReadSessions, Depends(read_sessions)],
) -> AsyncIterator[AsyncSession]:
    async with sessions() as session:
        yield session


ReadSessionDep = Annotated[AsyncSession, Depends(read_session)]
ReadSessionsDep = Annotated[ReadSessions, Depends(read_sessions)]


async def ensure_database(settings: ServiceSettings) -> None:
    """Create the service's role and database if missing (idempotent; needs an admin URL)."""
    admin = await asyncpg.connect(settings.postgres_admin_url)
    try:
        role = settings.database_user
        password = settings.database_password.get_secret_value()
        exists = await admin.fetchval("SELECT 1 FROM pg_roles WHERE rolname = $1", role)
        quoted_role = _quote_ident(role)
        quoted_password = _quote_literal(password)
        if not exists:
            await admin.execute(f"CREATE ROLE {quoted_role} LOGIN PASSWORD {quoted_password}")
        else:
            await admin.execute(f"ALTER ROLE {quoted_role} LOGIN PASSWORD {quoted_password}")
        db_exists = await admin.fetchval(
            "SELECT 1 FROM pg_database WHERE datname = $1", settings.database_name
        )
        if not db_exists:
            await admin.execute(
                f"CREATE DATABASE {_quote_ident(settings.database_name)} OWNER {quoted_role}"
            )
    finally:
        await admin.close()
    # Extensions need a superuser; create them here so a service's migrations need not.
    db_admin = await asyncpg.connect(
        settings.postgres_admin_url.rsplit("/", 1)[0] + "/" + settings.database_name
    )
    try:
        await db_admin.execute(
            f"ALTER SCHEMA public OWNER TO {_quote_ident(settings.database_user)}"
        )
        for extension in settings.postgres_extensions:
            await db_admin.execute(f"CREATE EXTENSION IF NOT EXISTS {_quote_ident(extension)}")
    finally:
        await db_admin.close()


async def drop_database(settings: ServiceSettings) -> None:
    admin = await asyncpg.connect(settings.postgres_admin_url)
    try:
        await admin.execute(
            f"DROP DATABASE IF EXISTS {_quote_ident(settings.database_name)} WITH (FORCE)"
        )
    finally:
        await admin.close()


def _quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _quote_literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"
