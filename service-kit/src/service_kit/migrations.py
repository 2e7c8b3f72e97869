"""Alembic, the same way in every service: the kit's own tables (outbox, inbox), an env.py
runner, and `upgrade()` used by each service's `migrate` command."""

import asyncio
from pathlib import Path

from alembic import command, context
from alembic.config import Config
from sqlalchemy import Column, DateTime, Integer, LargeBinary, MetaData, Table, Text, func, text
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from service_kit.config import ServiceSettings


def add_kit_tables(metadata: MetaData) -> None:
    """The outbox and inbox tables, added to a service's metadata."""
    Table(
        "outbox",
        metadata,
        Column("id", UUID(as_uuid=True), primary_key=True),
        Column("routing_key", Text, nullable=False),
        Column("body", LargeBinary, nullable=False),
        Column("headers", JSONB, nullable=False, server_default=text("'{}'::jsonb")),
        Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
        Column("available_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
        Column("attempts", Integer, nullable=False, server_default=text("0")),
        Column("last_error", Text),
        Column("published_at", DateTime(timezone=True)),
    )
    Table(
        "inbox",
        metadata,
        Column("event_id", UUID(as_uuid=True), primary_key=True),
        Column("event_type", Text, nullable=False),
        Column("processed_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    )


# Partial index of what the relay still has to send; created by the migration helper below.
OUTBOX_PENDING_INDEX_NAME = "ix_outbox_pending"
OUTBOX_PENDING_INDEX = (
    f"CREATE INDEX IF NOT EXISTS {OUTBOX_PENDING_INDEX_NAME} ON outbox (available_at, created_at) "
    "WHERE published_at IS NULL"
)


def create_kit_tables() -> None:
    """Call from a service's first migration."""
    from alembic import op

    metadata = MetaData()
    add_kit_tables(metadata)
    metadata.create_all(op.get_bind(), checkfirst=False)
    op.execute(OUTBOX_PENDING_INDEX)


def run_env(metadata: MetaData, settings: ServiceSettings) -> None:
    """The body of every service's migrations/env.py."""
    url = context.config.get_main_option("sqlalchemy.url") or settings.sqlalchemy_url

    def migrate(connection: Connection) -> None:
        context.configure(connection=connection, target_metadata=metadata, compare_type=True)
        with context.begin_transaction():
            context.run_migrations()

    async def run() -> None:
        engine = create_async_engine(url)
        async with engine.connect() as connection:
            await connection.run_sync(migrate)
        await engine.dispose()

    if context.is_offline_mode():
        context.configure(url=url, target_metadata=metadata, literal_binds=True)
        with context.begin_transaction():
            context.run_migrations()
    else:
        asyncio.run(run())


def alembic_config(service_dir: Path, settings: ServiceSettings) -> Config:
    config = Config(str(service_dir / "alembic.ini"))
    config.set_main_option("script_location", str(service_dir / "migrations"))
    config.set_main_option("sqlalchemy.url", settings.sqlalchemy_url.replace("%", "%%"))
    return config


def upgrade(service_dir: Path, settings: ServiceSettings, revision: str = "head") -> None:
    command.upgrade(alembic_config(service_dir, settings), revision)
