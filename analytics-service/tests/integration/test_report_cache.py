"""The report cache: an answer is kept until the roll-ups change, and a change anywhere drops
it (this replica's consumer at its commit; another's through PostgreSQL's notification)."""

import asyncio
import uuid
from datetime import timedelta

import analytics_service_tests_factories as factories
import asyncpg
from analytics_service.cache import ReportCache
from analytics_service.dependencies import REPORT_CACHE
from analytics_service_tests_factories import Order, line, window


def _range(day) -> dict[str, str]:
    return {"from": day.isoformat(), "to": (day + timedelta(days=1)).isoformat()}


async def _revenue(client, admin, day) -> int:
    response = await client.get("/api/analytics/summary", params=_range(day), headers=admin)
    assert response.status_code == 200, response.text
    revenue: int = response.json()["revenue_cents"]
    return revenue


async def _add_revenue(day, cents: int, *, announced: bool) -> None:
    """Change the day's roll-up as another replica's commit would; unannounced, as a writer
    without the triggers (`session_replication_role = replica`, a superuser's, skips them)
    would."""
    settings = factories.test_settings()
    admin_dsn = settings.postgres_admin_url.rsplit("/", 1)[0] + f"/{settings.database_name}"
    conn = await asyncpg.connect(settings.database_dsn if announced else admin_dsn)
    try:
        if not announced:
            await conn.execute("SET session_replication_role = replica")
        await conn.execute(
            "UPDATE sales_hours SET revenue_cents = revenue_cents + $2 WHERE hour = $1",
            day + timedelta(hours=10),
            cents,
        )
    finally:
        await conn.close()


async def _until(predicate, timeout: float = 10.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not await predicate():
        assert asyncio.get_running_loop().time() < deadline, "not reached in time"
        await asyncio.sleep(0.02)


async def _listening(cache: ReportCache, expected: bool = True) -> None:
    async def reached() -> bool:
        return cache.listening is expected

    await _until(reached)


def _cache(app) -> ReportCache:
    cache: ReportCache = app.state.kit.extra[REPORT_CACHE]
    return cache


async def test_an_answer_is_kept_until_a_change_anywhere_drops_it(app, shop, client, admin):
    day = window()
    order = Order([line(uuid.uuid4(), 1, 2500)])
    await shop.deliver(order.created(), day + timedelta(hours=10))
    await shop.deliver(order.paid(), day + timedelta(hours=10, minutes=1))
    await _listening(_cache(app))
    assert await _revenue(client, admin, day) == 2500

    # Kept: a change nobody announced is not seen (this is what the cache saves a read).
    await _add_revenue(day, 100, announced=False)
    assert await _revenue(client, admin, day) == 2500

    # Another replica's commit: its notification drops the answer.
    await _add_revenue(day, 1, announced=True)

    async def shows_both() -> bool:
        return await _revenue(client, admin, day) == 2601

    await _until(shows_both)

    # This replica's own consumer: the next read after its commit already shows it.
    refund = Order([line(uuid.uuid4(), 2, 700)])
    await shop.deliver(refund.created(), day + timedelta(hours=10, minutes=5))
    await shop.deliver(refund.paid(), day + timedelta(hours=10, minutes=6))
    assert await _revenue(client, admin, day) == 2601 + 1400


async def test_without_its_listener_nothing_is_answered_from_the_cache(app, shop, client, admin):
    day = window()
    order = Order([line(uuid.uuid4(), 1, 900)])
    await shop.deliver(order.created(), day + timedelta(hours=10))
    await shop.deliver(order.paid(), day + timedelta(hours=10, minutes=1))
    cache = _cache(app)
    await _listening(cache)
    assert await _revenue(client, admin, day) == 900

    cache.drop_listener()  # as a network failure would
    await _listening(cache, False)
    # Changes it cannot hear of are read from the roll-ups every time meanwhile...
    await _add_revenue(day, 50, announced=False)
    assert await _revenue(client, admin, day) == 950
    # ...and once it listens again it starts empty.
    await _listening(cache)
    assert await _revenue(client, admin, day) == 950
    await _add_revenue(day, 5, announced=False)
    assert await _revenue(client, admin, day) == 950  # kept again
