"""`make reset`: drop and recreate the development databases and the broker's queues.

For when development data no longer fits the development secrets (a replaced
`~/.config/shop/dev.env`), or to start afresh. It asks first (`make reset YES=1` does not), and
refuses unless ENV is dev: production data is never reset by a make target. The databases are
migrated again (empty) and the queues declared again (empty); the next `make run` adds the
admin account and the demo catalog.
"""

import asyncio
import json
import os
import subprocess
import sys

import aio_pika
import asyncpg
from service_kit.broker import declare_platform

import devsecrets
from platform_services import ROOT, SERVICES, present
from run import service_env

DEFAULT_AMQP = "amqp://guest:guest@127.0.0.1:5672/"
ADMIN_URL = os.environ.get("POSTGRES_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


def databases() -> list[str]:
    suffix = os.environ.get("SHOP_DB_SUFFIX", "")
    return [f"shop_{s.short}{suffix}" for s in SERVICES if s.has_database]


def queues() -> list[str]:
    definitions = json.loads((ROOT / "broker-config" / "definitions.json").read_text())
    return [queue["name"] for queue in definitions["queues"]]


async def drop_databases(names: list[str]) -> None:
    conn = await asyncpg.connect(ADMIN_URL)
    try:
        for name in names:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


async def recreate_queues(url: str, names: list[str]) -> None:
    connection = await aio_pika.connect(url)
    try:
        for name in names:
            channel = await connection.channel()
            await channel.queue_delete(name)  # no error for a queue that does not exist
            await channel.close()
        channel = await connection.channel()
        await declare_platform(channel)
    finally:
        await connection.close()


def migrate(values: dict[str, str]) -> int:
    for service in present():
        if service.has_database:
            command = [sys.executable, "-m", service.package, "migrate"]
            env = service_env(service, values)
            if subprocess.run(command, env=env, cwd=ROOT, check=False).returncode:
                return 1
    return 0


def confirmed(names: list[str]) -> bool:
    if os.environ.get("YES", "") not in ("", "0"):
        return True
    print("This deletes all development data of the platform on this machine:")
    print("  databases: " + ", ".join(names))
    print("  queues:    every queue of broker-config/definitions.json, with their messages")
    if not sys.stdin.isatty():
        print("Not a terminal: run `make reset YES=1` to reset without asking.")
        return False
    return input("Type 'reset' to go on: ").strip() == "reset"


def main() -> int:
    env = os.environ.get("ENV", "dev")
    if env not in ("dev", "test"):
        print(f"ENV={env}: `make reset` only resets development data.")
        return 1
    names = databases()
    if not confirmed(names):
        print("Nothing was changed.")
        return 1
    values, _ = devsecrets.load()
    asyncio.run(drop_databases(names))
    print(f"dropped {len(names)} databases; creating them afresh")
    if migrate(values):
        return 1
    url = os.environ.get("AMQP_URL") or values.get("AMQP_URL") or DEFAULT_AMQP
    asyncio.run(recreate_queues(url, queues()))
    print(f"recreated {len(queues())} queues, empty")
    print("Done: `make run` starts with fresh data and this machine's development secrets.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
