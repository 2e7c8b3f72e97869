"""Backup and restore of each service's database as docs/operations.md describes them for a
PostgreSQL without an operator: `pg_dump --format=custom` of the one database, then
`pg_restore --create` after it is gone. Each database is migrated with the service's own
`migrate` (the auth service's also gets an admin, the catalog its demo products); after the
restore every table holds the same rows, the schema is at the same migration, and the service's
own role can read it, so the service starts on it unchanged.
"""

import asyncio
import os
import shutil
import subprocess
import sys
from pathlib import Path

import asyncpg
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools"))

from platform_services import ROOT, Service, present

ADMIN_URL = os.environ.get("POSTGRES_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
SUFFIX = "_backup" + os.environ.get("SHOP_TEST_DB_SUFFIX", "")
PASSWORD = "backup-test-role-password"
DATABASES = [s for s in present() if s.has_database]


def manage(service: Service, *args: str) -> None:
    env = {
        **os.environ,
        "DATABASE_NAME": f"shop_{service.short}{SUFFIX}",
        "DATABASE_USER": f"shop_{service.short}{SUFFIX}",
        "DATABASE_PASSWORD": PASSWORD,
    }
    result = subprocess.run(
        [sys.executable, "-m", service.package, *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr


async def snapshot(dsn: str) -> dict[str, object]:
    """Every table's row count, and the migration the schema is at."""
    conn = await asyncpg.connect(dsn)
    try:
        tables = await conn.fetch(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
        )
        counts: dict[str, object] = {
            t["tablename"]: await conn.fetchval(f'SELECT count(*) FROM "{t["tablename"]}"')
            for t in tables
        }
        counts["@revision"] = await conn.fetchval("SELECT version_num FROM alembic_version")
        return counts
    finally:
        await conn.close()


async def drop(name: str) -> None:
    conn = await asyncpg.connect(ADMIN_URL)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


def pg(tool: str, *args: str) -> None:
    if shutil.which(tool) is None:
        pytest.fail(f"{tool} is missing: sudo apt-get install postgresql-client")
    result = subprocess.run(
        [tool, "--host=127.0.0.1", "--username=postgres", *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("service", DATABASES, ids=lambda s: s.name)
def test_a_database_dumped_and_restored_has_every_row_and_its_migration(
    service: Service, tmp_path: Path
):
    name = f"shop_{service.short}{SUFFIX}"
    asyncio.run(drop(name))
    try:
        manage(service, "migrate")
        if service.name == "auth-service":
            manage(service, "create-admin", "--email=backup@shop.local", "--password=backup-pass-1")
        if (service.directory / "src" / service.package / "seed.py").exists():
            manage(service, "seed")
        admin_dsn = ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
        before = asyncio.run(snapshot(admin_dsn))
        assert before["@revision"]

        dump = tmp_path / f"{name}.dump"
        pg("pg_dump", "--format=custom", f"--file={dump}", f"--dbname={name}")
        asyncio.run(drop(name))
        pg("pg_restore", "--create", "--dbname=postgres", str(dump))

        assert asyncio.run(snapshot(admin_dsn)) == before
        # The service's own role owns and reads it as before.
        own = f"postgresql://{name}:{PASSWORD}@127.0.0.1:5432/{name}"
        assert asyncio.run(snapshot(own)) == before
        # And the service's migrate finds nothing to do on it.
        manage(service, "migrate")
        assert asyncio.run(snapshot(admin_dsn)) == before
    finally:
        asyncio.run(drop(name))
