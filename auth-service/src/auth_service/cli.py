"""`python -m auth_service serve | migrate | dlq ... | create-admin --email E [--password P] |
rotate-signing-key | retire-signing-keys`."""

import argparse
import asyncio
import re
import sys
from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path
from typing import TypeVar

from service_kit.cli import run_cli
from service_kit.config import ServiceSettings
from service_kit.db import create_engine, create_session_factory
from service_kit.errors import AppError
from sqlalchemy.ext.asyncio import AsyncSession

from auth_service import service
from auth_service.config import AuthSettings, get_settings
from auth_service.schemas import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH
from auth_service.security import key_cipher

T = TypeVar("T")
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


def _configure_rotate(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Add a new signing key. Restart the auth service's instances to sign with it; tokens "
        "of the older keys stay valid (docs/operations.md, Signing keys)."
    )


def _rotate(args: argparse.Namespace, settings: ServiceSettings) -> int:
    assert isinstance(settings, AuthSettings)
    cipher = key_cipher(settings.key_encryption_key)
    kid = asyncio.run(_in_transaction(settings, lambda s: service.rotate_signing_key(s, cipher)))
    print(f"new signing key {kid}: restart the auth service's instances to sign with it")
    return 0


def _configure_retire(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Retire every signing key but the newest, once the newest is older than the access "
        "tokens' lifetime (ACCESS_TOKEN_TTL_SECONDS)."
    )


def _retire(args: argparse.Namespace, settings: ServiceSettings) -> int:
    assert isinstance(settings, AuthSettings)
    min_age = timedelta(seconds=settings.access_token_ttl_seconds)
    try:
        kids = asyncio.run(
            _in_transaction(settings, lambda s: service.retire_older_signing_keys(s, min_age))
        )
    except service.NewestKeyTooYoung as young:
        print(
            f"the newest key {young} is younger than {min_age}: tokens of the older keys may "
            "still be valid; try again later",
            file=sys.stderr,
        )
        return 1
    print(f"retired {len(kids)} signing key(s): {', '.join(kids) or '-'}")
    return 0


async def _in_transaction(
    settings: ServiceSettings, work: Callable[[AsyncSession], Awaitable[T]]
) -> T:
    engine = create_engine(settings)
    try:
        sessions = create_session_factory(engine, settings)
        async with sessions() as session, session.begin():
            return await work(session)
    finally:
        await engine.dispose()


def main(argv: list[str] | None = None) -> int:
    return run_cli(
        settings_factory=get_settings,
        app_path="auth_service.main:create_app",
        service_dir=SERVICE_DIR,
        extra={
            "create-admin": (_configure_create_admin, _create_admin),
            "rotate-signing-key": (_configure_rotate, _rotate),
            "retire-signing-keys": (_configure_retire, _retire),
        },
        argv=argv,
    )
