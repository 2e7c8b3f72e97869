import asyncio
import time
import uuid

from product_service.search.cache import CachedPage, SearchCache

RESULT = CachedPage(b'{"total":0}', frozenset(), depends_on_stock=False)


def test_an_entry_is_reused_until_it_expires():
    cache = SearchCache(ttl_seconds=0.05)
    cache.put("k", RESULT)

    assert cache.get("k") is RESULT
    time.sleep(0.06)
    assert cache.get("k") is None


def test_entries_cached_together_expire_at_different_moments():
    cache = SearchCache(ttl_seconds=10)
    for key in range(50):
        cache.put(key, RESULT)

    expiries = {entry.fresh_until for entry in cache._entries.values()}
    assert len(expiries) == 50


def test_the_least_recently_used_entries_go_first_when_full():
    cache = SearchCache(ttl_seconds=60, max_entries=2)
    cache.put("a", RESULT)
    cache.put("b", RESULT)
    cache.get("a")
    cache.put("c", RESULT)

    assert cache.get("b") is None
    assert cache.get("a") is RESULT and cache.get("c") is RESULT


def test_a_cache_with_no_lifetime_keeps_nothing():
    cache = SearchCache(ttl_seconds=0)
    cache.put("a", RESULT)

    assert len(cache) == 0 and cache.get("a") is None


async def test_concurrent_requests_for_one_search_run_it_once():
    cache = SearchCache(ttl_seconds=60)
    runs = 0

    async def search():
        nonlocal runs
        runs += 1
        await asyncio.sleep(0.02)
        return RESULT

    results = await asyncio.gather(*(cache.get_or_run("k", search) for _ in range(5)))

    assert runs == 1
    assert all(r is RESULT for r in results)


async def test_when_the_first_search_fails_the_others_run_their_own():
    cache = SearchCache(ttl_seconds=60)
    calls = 0

    async def search():
        nonlocal calls
        calls += 1
        await asyncio.sleep(0.01)
        if calls == 1:
            raise RuntimeError("database went away")
        return RESULT

    first, second = await asyncio.gather(
        cache.get_or_run("k", search), cache.get_or_run("k", search), return_exceptions=True
    )

    assert isinstance(first, RuntimeError)
    assert second is RESULT
    assert cache.get("k") is RESULT


async def test_without_a_lifetime_every_request_searches():
    cache = SearchCache(ttl_seconds=0)
    calls = 0

    async def search():
        nonlocal calls
        calls += 1
        return RESULT

    await cache.get_or_run("k", search)
    await cache.get_or_run("k", search)

    assert calls == 2


async def test_a_stale_search_is_answered_at_once_and_refreshed_once_in_the_background():
    cache = SearchCache(ttl_seconds=0.02)
    newer = CachedPage(b'{"total":1}', frozenset(), depends_on_stock=False)
    cache.put("k", RESULT)
    time.sleep(0.03)
    refreshes = 0

    async def refresh():
        nonlocal refreshes
        refreshes += 1
        await asyncio.sleep(0.01)
        return newer

    async def must_not_run():
        raise AssertionError("a stale entry must not make the request wait")

    answers = [await cache.get_or_run("k", must_not_run, refresh) for _ in range(3)]
    await asyncio.sleep(0.03)

    assert answers == [RESULT, RESULT, RESULT]
    assert refreshes == 1
    assert await cache.get_or_run("k", must_not_run, refresh) is newer


async def test_an_entry_too_old_to_serve_is_searched_again_before_answering():
    cache = SearchCache(ttl_seconds=0.005)
    cache.put("k", RESULT)
    time.sleep(0.005 * 7)
    newer = CachedPage(b'{"total":2}', frozenset(), depends_on_stock=False)

    async def search():
        return newer

    assert await cache.get_or_run("k", search, search) is newer


def test_a_stock_change_drops_the_pages_showing_the_product_and_those_filtered_on_stock():
    lamp, desk = uuid.uuid4(), uuid.uuid4()
    cache = SearchCache(ttl_seconds=60)
    cache.put("lamp", CachedPage(b"1", frozenset({lamp}), depends_on_stock=False))
    cache.put("desk", CachedPage(b"2", frozenset({desk}), depends_on_stock=False))
    cache.put("in stock", CachedPage(b"3", frozenset({desk}), depends_on_stock=True))

    cache.forget_stock_of(lamp)

    assert cache.get("lamp") is None and cache.get("in stock") is None
    assert cache.get("desk") is not None


async def test_a_search_running_when_the_cache_is_invalidated_is_not_kept():
    cache = SearchCache(ttl_seconds=60)
    started = asyncio.Event()
    release = asyncio.Event()

    async def slow_search():
        started.set()
        await release.wait()
        return RESULT

    running = asyncio.create_task(cache.get_or_run("k", slow_search))
    await started.wait()
    cache.clear()  # a change committed while the search read the old rows
    calls = 0

    async def search_after_the_change():
        nonlocal calls
        calls += 1
        return RESULT

    release.set()
    assert await running is RESULT  # the request that ran it still gets its answer
    assert cache.get("k") is None
    await cache.get_or_run("k", search_after_the_change)
    assert calls == 1


async def test_after_an_invalidation_new_requests_do_not_wait_for_an_older_search():
    cache = SearchCache(ttl_seconds=60)
    release = asyncio.Event()
    newer = CachedPage(b"new", frozenset(), depends_on_stock=False)

    async def old_search():
        await release.wait()
        return RESULT

    async def new_search():
        return newer

    old = asyncio.create_task(cache.get_or_run("k", old_search))
    await asyncio.sleep(0)
    cache.clear()

    assert await cache.get_or_run("k", new_search) is newer
    release.set()
    assert await old is RESULT
    assert cache.get("k") is newer


def test_the_least_recently_used_bodies_go_first_when_too_many_bytes():
    cache = SearchCache(ttl_seconds=60, max_bytes=10)
    cache.put("a", CachedPage(b"aaaa", frozenset(), depends_on_stock=False))
    cache.put("b", CachedPage(b"bbbb", frozenset(), depends_on_stock=False))
    cache.get("a")
    cache.put("c", CachedPage(b"cccc", frozenset(), depends_on_stock=False))
    cache.put("c", CachedPage(b"cccc", frozenset(), depends_on_stock=False))

    assert cache.get("b") is None
    assert cache.get("a") is not None and cache.get("c") is not None
    assert cache.size_bytes == 8
