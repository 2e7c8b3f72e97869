"""`python -m auth_service create-admin`, as an operator (and `make run`) runs it."""

import asyncio
import os
import subprocess
import sys

import pytest
from auth_service import cli
from auth_service.config import get_settings
from auth_service_tests_factories import unique_name
from sqlalchemy import text


@pytest.fixture
def create_admin(settings, monkeypatch, capsys):
    """The command in-process (in a thread, as it runs its own event loop): returns the exit
    code, stdout and stderr."""
    monkeypatch.setenv("ENV", "test")
    monkeypatch.setenv("DATABASE_NAME", settings.database_name)
    get_settings.cache_clear()

    async def run(*args: str) -> tuple[int, str, str]:
        code = await asyncio.to_thread(cli.main, ["create-admin", *args])
        out, err = capsys.readouterr()
        return code, out, err

    yield run
    get_settings.cache_clear()


async def test_python_m_create_admin_makes_an_admin_with_a_generated_password(
    settings, factory, client
):
    email = f"{unique_name('admin')}@example.com"
    env = {**os.environ, "ENV": "test", "DATABASE_NAME": settings.database_name}

    result = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "auth_service", "create-admin", "--email", email],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert f"created admin {email}" in result.stdout
    password = result.stdout.split("password: ", 1)[1].strip()
    assert len(password) >= 16
    admin = await factory.login(email, password)
    assert admin.user["role"] == "admin"
    assert (await client.get("/api/auth/users", headers=admin.headers)).status_code == 200


async def test_create_admin_again_keeps_one_account_and_sets_the_given_password(
    create_admin, factory, sessions
):
    email = f"{unique_name('admin')}@example.com"
    first = await create_admin("--email", email, "--password", "first password")
    second = await create_admin("--email", email, "--password", "second password")

    assert first[0] == second[0] == 0, second[2]
    assert "password:" not in second[1]
    assert f"{email} (username " in second[1] and "is an admin" in second[1]
    assert (await factory.login(email, "second password")).user["role"] == "admin"
    async with sessions() as session:
        count = await session.scalar(
            text("SELECT count(*) FROM users WHERE email = :e"), {"e": email}
        )
    assert count == 1


async def test_create_admin_promotes_an_existing_customer_keeping_their_password(
    create_admin, factory
):
    customer = await factory.account()

    code, out, _ = await create_admin("--email", customer.email)

    assert code == 0
    assert "password:" not in out
    assert (await factory.login(customer.email)).user["role"] == "admin"


async def test_create_admin_uses_the_given_username_and_refuses_a_taken_one(create_admin, factory):
    taken = await factory.account()
    name = unique_name("boss")

    ok = await create_admin(
        "--email", f"{name}@example.com", "--username", name, "--password", "p" * 12
    )
    clash = await create_admin(
        "--email", f"{unique_name()}@example.com", "--username", taken.user["username"]
    )

    assert ok[0] == 0
    assert (await factory.login(name, "p" * 12)).user["username"] == name
    assert clash[0] == 1
    assert "username is taken" in clash[2]


async def test_create_admin_accepts_a_local_domain_for_operators(create_admin, factory):
    email = f"{unique_name('admin')}@shop.local"

    code, _, err = await create_admin("--email", email, "--password", "local admin password")

    assert code == 0, err
    assert (await factory.login(email, "local admin password")).user["role"] == "admin"


async def test_create_admin_refuses_a_short_password_and_a_bad_email(create_admin):
    short = await create_admin("--email", "x@example.com", "--password", "short")
    bad = await create_admin("--email", "not-an-email")

    assert short[0] == bad[0] == 2
    assert "8-128 characters" in short[2]
    assert "not a valid email" in bad[2]
