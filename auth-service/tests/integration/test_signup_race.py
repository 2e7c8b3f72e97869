import asyncio

from auth_service import service
from auth_service.errors import EmailTaken, UsernameTaken
from auth_service_tests_factories import PASSWORD, unique_name
from sqlalchemy import text


async def _wait_until_blocked_on_a_lock(sessions, timeout: float = 30.0) -> None:
    async with sessions() as probe:
        for _ in range(int(timeout / 0.02)):
            waiting = await probe.scalar(
                text(
                    "SELECT count(*) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND wait_event_type = 'Lock'"
                )
            )
            if waiting:
                return
            await asyncio.sleep(0.02)
    raise AssertionError("the second signup never waited for the first")


async def _race(sessions, tokens, first: dict, second: dict) -> Exception | None:
    """Sign `second` up while `first` is inserted but not committed yet, so that `second`
    passes the duplicate checks and only the unique index stops it."""

    async def sign_up(fields):
        async with sessions() as session, session.begin():
            await service.signup(session, tokens, password=PASSWORD, **fields)

    async with sessions() as session, session.begin():
        await service.signup(session, tokens, password=PASSWORD, **first)
        late = asyncio.create_task(sign_up(second))
        await _wait_until_blocked_on_a_lock(sessions)
    try:
        await late
    except Exception as exc:
        return exc
    return None


async def test_concurrent_signups_with_one_email_give_one_account_and_a_conflict(sessions, tokens):
    email = f"{unique_name()}@example.com"

    outcome = await _race(
        sessions,
        tokens,
        {"username": unique_name(), "email": email},
        {"username": unique_name(), "email": email.upper()},
    )

    assert isinstance(outcome, EmailTaken)
    async with sessions() as session:
        count = await session.scalar(
            text("SELECT count(*) FROM users WHERE lower(email) = lower(:e)"), {"e": email}
        )
    assert count == 1


async def test_concurrent_signups_with_one_username_give_a_username_conflict(sessions, tokens):
    username = unique_name()

    outcome = await _race(
        sessions,
        tokens,
        {"username": username, "email": f"{unique_name()}@example.com"},
        {"username": username.upper(), "email": f"{unique_name()}@example.com"},
    )

    assert isinstance(outcome, UsernameTaken)
