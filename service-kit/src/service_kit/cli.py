"""The command line every service shares: `serve`, `migrate`, `dlq list`, `dlq replay`.

A service's cli.py passes its settings, app path and folder, and may add its own commands.
"""

import argparse
import asyncio
import json
import sys
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path

from service_kit.config import ServiceSettings
from service_kit.db import ensure_database
from service_kit.dlq import list_dead_letters, replay_dead_letters
from service_kit.migrations import upgrade

Command = Callable[[argparse.Namespace, ServiceSettings], int]


def run_cli(
    *,
    settings_factory: Callable[[], ServiceSettings],
    app_path: str,
    service_dir: Path | None,
    extra: dict[str, tuple[Callable[[argparse.ArgumentParser], None], Command]] | None = None,
    argv: list[str] | None = None,
) -> int:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="run the HTTP server")
    serve.add_argument("--workers", type=int, default=1)
    if service_dir is not None:
        sub.add_parser("migrate", help="create the database and role if missing; migrate to head")
        dlq = sub.add_parser("dlq", help="dead-lettered messages")
        dlq_sub = dlq.add_subparsers(dest="dlq_command", required=True)
        dlq_list = dlq_sub.add_parser("list")
        dlq_list.add_argument("--limit", type=int, default=100)
        replay = dlq_sub.add_parser("replay")
        replay.add_argument("message_ids", nargs="*", help="only these (default: all)")
    for name, (configure, _) in (extra or {}).items():
        configure(sub.add_parser(name))
    args = parser.parse_args(argv)
    settings = settings_factory()

    if args.command == "serve":
        import uvicorn

        uvicorn.run(
            app_path,
            factory=True,
            host=settings.host,
            port=settings.port,
            workers=args.workers,
            loop="uvloop",
            http="httptools",
            access_log=False,
            log_config=None,
            # No `Server: uvicorn` banner. Forwarding headers are believed by the app itself,
            # from its FORWARDED_ALLOW_IPS only (app.py), not from uvicorn's default localhost.
            server_header=False,
            proxy_headers=False,
        )
        return 0
    if args.command == "migrate" and service_dir is not None:
        asyncio.run(ensure_database(settings))
        upgrade(service_dir, settings)
        print(f"{settings.service_name}: database {settings.database_name} migrated")
        return 0
    if args.command == "dlq":
        amqp = settings.amqp_url.get_secret_value()
        if args.dlq_command == "list":
            letters = asyncio.run(list_dead_letters(amqp, settings.short_name, args.limit))
            json.dump([asdict(d) for d in letters], sys.stdout, indent=2, default=str)
            print()
            return 0
        ids = set(args.message_ids) or None
        count = asyncio.run(replay_dead_letters(amqp, settings.short_name, ids))
        print(f"replayed {count} message(s) into {settings.short_name}.events")
        return 0
    _, command = (extra or {})[args.command]
    return command(args, settings)
