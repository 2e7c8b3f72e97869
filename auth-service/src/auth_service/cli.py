"""`python -m auth_service serve | migrate | dlq ... | create-admin --email E [--password P]`."""

import argparse
import asyncio
import re
import sys
from pathlib import Path

from service_kit.cli import run_cli
from service_kit.config import ServiceSettings
from service_kit.db import create_engine, create_session_factory
from service_kit.errors import AppError

from auth_service import service
from auth_service.config import get_settings
from auth_service.schemas import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH

SERVICE_DIR = Path(__file__).resolve().parents[2]
# Operators may use local domains (admin@shop.local), which sign-up refuses as undeliverable.
OPERATOR_EMAIL = re.compile(r"[^@\s\x00]{1,64}@[^@\s\x00.]+(\.[^@\s\x00.]+)+")


def _configure_create_admin(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Create an admin account, or make an existing account admin (idempotent). Without "
        "--password a new account gets a generated password, printed once."
    )
    parser.add_argument("--email", required=True)
    parser.add_argument("--password", help="set this password (also on an existing account)")
    parser.add_argument("--username", help="for a new account (default: from the email)")


def _create_admin(args: argparse.Namespace, settings: ServiceSettings) -> int:
    email: str = args.email.strip()
    if not OPERATOR_EMAIL.fullmatch(email):
        print(f"not a valid email address: {args.email!r}", file=sys.stderr)
        return 2
    password: str | None = args.password
    if password is not None and not MIN_PASSWORD_LENGTH <= len(password) <= MAX_PASSWORD_LENGTH:
        print(
            f"the password needs {MIN_PASSWORD_LENGTH}-{MAX_PASSWORD_LENGTH} characters",
            file=sys.stderr,
        )
        return 2
    try:
        account = asyncio.run(_ensure_admin(settings, email, password, args.username))
    except AppError as exc:
        print(exc.message, file=sys.stderr)
        return 1
    user = account.user
    if account.created:
        print(f"created admin {user.email} (username {user.username})")
    else:
        print(f"{user.email} (username {user.username}) is an admin")
    if account.generated_password is not None:
        print(f"password: {account.generated_password}")
    return 0


async def _ensure_admin(
    settings: ServiceSettings, email: str, password: str | None, username: str | None
) -> service.AdminAccount:
    engine = create_engine(settings)
    try:
        sessions = create_session_factory(engine, settings)
        async with sessions() as session, session.begin():
            return await service.ensure_admin(
                session, email=email, password=password, username=username
            )
    finally:
        await engine.dispose()


def main(argv: list[str] | None = None) -> int:
    return run_cli(
        settings_factory=get_settings,
        app_path="auth_service.main:create_app",
        service_dir=SERVICE_DIR,
        extra={"create-admin": (_configure_create_admin, _create_admin)},
        argv=argv,
    )
