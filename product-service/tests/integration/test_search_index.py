"""The search index answers a text search exactly as the PostgreSQL statement does (the same
matches, category statistics and page order, ts_rank included), and follows every change of
the search rows: at once on the replica that made it, through a notification on the others,
and by a full reload when its listener connection is lost."""

import asyncio
import random
import time
from datetime import UTC, datetime

import numpy as np
import pytest
from product_service import repository, service
from product_service.search import Filters, WordQuery, all_words, corrected, words_of
from product_service.search_index import IndexedRow, SearchIndex
from product_service.search_sync import LiveSearchIndex
from product_service.search_terms import lexeme_of, resolve
from product_service.seed import add_synthetic, seed_demo
from sqlalchemy import text

from .test_stock_read_model import stock_event

SORTS = ("relevance", "price_asc", "price_desc", "newest", "name")
FILTERS = (
    Filters(),
    Filters(in_stock=True),
    Filters(category="audio"),
    Filters(min_price_cents=2000, max_price_cents=15000),
    Filters(category="kitchen", max_price_cents=9000, in_stock=True),
    Filters(category="no-such-category"),
    Filters(min_price_cents=900000),
)
TYPED = (
    "headphones", "wireless", "wireless mouse", "espresso machine", "running shoes", "yoga mat",
    "4k monitor", "hedphones", "keybord", "head", "lap", "air fryer", "desk lamp", "power bank",
    "drone", "board game", "black", "noise cancelling headphones", "cookbook", "kids", "b", "s",
    "wire head", "the headphones", "and", "black wireless over ear", "cheap headphones",
    "wireles mous", "stainless steel", "usb", "pro", "running runs", "speaker bluetooth",
)  # fmt: skip


@pytest.fixture
async def seeded(settings, empty_catalog):
    await seed_demo(settings)
    await add_synthetic(settings, 3000, seed=11)
    return empty_catalog


async def _index(app) -> SearchIndex:
    async with app.state.kit.database.pool.acquire() as conn:
        return SearchIndex.build(IndexedRow(*row) for row in await repository.search_rows(conn))


async def _queries(session, rng: random.Random) -> list[WordQuery]:
    """The query shapes the service sends: every word (the last as a prefix), and corrections
    of each, all words or any."""
    terms = list((await session.scalars(text("SELECT term FROM search_terms ORDER BY term"))).all())
    typed = list(TYPED)
    for _ in range(40):
        picked = rng.sample(terms, rng.randint(1, 3))
        if rng.random() < 0.5:
            picked[-1] = picked[-1][: rng.randint(1, len(picked[-1]))]
        typed.append(" ".join(picked))
    queries = []
    for typed_text in typed:
        words = words_of(typed_text)
        queries.append(all_words(words))
        queries.append(all_words(words, prefix_last=False))
        spellings = await service._spellings(session, words)
        queries.append(corrected(words, spellings))
        if len(words) > 1:
            queries.append(corrected(words, spellings, any_word=True))
    return queries


async def test_the_index_answers_every_search_shape_as_postgresql_does(app, seeded):
    index = await _index(app)
    rng = random.Random(5)
    compared = 0
    async with seeded() as session:
        queries = await _queries(session, rng)
        for query in queries:
            words = [term.word for group in query.groups for term in group]
            resolved = resolve(query, await _lexemes(session, words))
            assert resolved is not None, query.text
            for sort in SORTS:
                filters = rng.choice(FILTERS)
                for offset in (0, 20, rng.choice((40, 100, 5000))):
                    expected = await repository.text_search(
                        session, query.text, filters, sort, 20, offset
                    )
                    found = index.search(resolved, filters, sort, 20, offset)
                    assert _same(found, expected), (query.text, filters, sort, offset)
                    compared += 1

    assert compared > 1500


async def _lexemes(session, words):
    return {w: lexeme_of(q) for w, q in (await repository.tsqueries_of(session, words)).items()}


def _same(found, expected) -> bool:
    key = lambda stats: sorted(stats, key=lambda s: s.name)  # noqa: E731
    return key(found[0]) == key(expected[0]) and found[1] == expected[1]


# One lexeme both whole and as a prefix (`wirel:*`, `wireles`), with few operands and with
# many (PostgreSQL's qsort decides which one ts_rank keeps).
SAME_LEXEME_TWICE = (
    corrected(["wireless", "mous"], {"mous": ["mouse", "mice"]}),
    corrected(["wireless", "mous"], {"mous": ["mouse", "mice"]}, any_word=True),
    corrected(["running", "runs"], {}),
    corrected(
        ["mouse", "black", "wirel"],
        {"mouse": ["mous", "mice", "mouses"], "black": ["blacks"], "wirel": ["wireles", "wire"]},
        any_word=True,
    ),
    corrected(
        ["mouse", "wirel"],
        {"mouse": ["mous", "mice", "mouses", "mousepad"], "wirel": ["wireles", "wire", "wired"]},
    ),
)


async def test_ranks_are_ts_rank_to_the_last_bit(app, seeded):
    index = await _index(app)
    queries = [
        (all_words(words_of("wireless head")), "wireless head"),
        (all_words(words_of("black wireless over")), "black wireless over"),
        (corrected(words_of("noise cancelling"), {}, any_word=True), "noise cancelling"),
        (all_words(words_of("lap")), "lap"),
        *((query, query.text) for query in SAME_LEXEME_TWICE),
    ]
    async with seeded() as session:
        for query, typed in queries:
            words = [term.word for group in query.groups for term in group]
            resolved = resolve(query, await _lexemes(session, words))
            assert resolved is not None
            rows = (
                await session.execute(
                    text(
                        "SELECT id, ts_rank(search_vector, to_tsquery('english', :q))"
                        " FROM product_search WHERE search_vector @@ to_tsquery('english', :q)"
                    ),
                    {"q": query.text},
                )
            ).all()
            shown = sorted(index.slot_of[row[0]] for row in rows)
            ranks = index._rank(resolved, np.array(shown))
            mine = {index.ids[slot]: float(rank) for slot, rank in zip(shown, ranks, strict=True)}
            assert rows and mine == {row[0]: row[1] for row in rows}, typed


async def _index_answer(live: LiveSearchIndex, sessions, typed: str, **filters):
    async with sessions() as session:
        found = await live.search(
            session, all_words(words_of(typed)), Filters(**filters), "price_asc", 20, 0
        )
    assert found is not None, "the index did not answer"
    stats, ids = found
    return [str(i) for i in ids], {s.name: s.in_price_range for s in stats}


async def _eventually(check, seconds: float = 3.0):
    deadline = time.monotonic() + seconds
    while True:
        try:
            return await check()
        except AssertionError:
            if time.monotonic() > deadline:
                raise
            await asyncio.sleep(0.02)


@pytest.fixture
async def second_replica(app, settings, empty_catalog):
    live = LiveSearchIndex(settings.database_dsn, app.state.kit.database.pool)
    live.start()
    await live.wait_ready(10)
    own: LiveSearchIndex = app.state.kit.extra["search_index"]
    await _eventually(lambda: own.wait_ready(0.05), 10)
    yield live
    await live.stop()


async def test_a_change_shows_at_once_here_and_soon_on_another_replica(
    app, catalog, client, deliver, empty_catalog, second_replica
):
    own: LiveSearchIndex = app.state.kit.extra["search_index"]
    replicas = (own, second_replica)

    lamp = await catalog.add(name="Haven Desk Lamp", category="home", price_cents=3999, stock=2)
    kettle = await catalog.add(name="Brava Lamp Kettle", category="kitchen", price_cents=2999)
    started = time.monotonic()
    for live in replicas:

        async def added(live=live):
            ids, _ = await _index_answer(live, empty_catalog, "lamp")
            assert ids == [kettle["id"], lamp["id"]]

        await (added() if live is own else _eventually(added))
    await client.patch(
        f"/api/products/{lamp['id']}", json={"price_cents": 1999}, headers=catalog.admin
    )
    await client.delete(f"/api/products/{kettle['id']}", headers=catalog.admin)
    await deliver(stock_event(lamp["id"], 0, datetime.now(UTC)))
    for live in replicas:

        async def changed(live=live):
            ids, _ = await _index_answer(live, empty_catalog, "lamp")
            assert ids == [lamp["id"]]
            in_stock, categories = await _index_answer(live, empty_catalog, "lamp", in_stock=True)
            assert in_stock == [] and categories == {}
            cheap, _ = await _index_answer(live, empty_catalog, "lamp", max_price_cents=2000)
            assert cheap == [lamp["id"]]

        await (changed() if live is own else _eventually(changed))
    assert time.monotonic() - started < 3


async def test_a_lost_listener_reloads_everything(catalog, empty_catalog, second_replica):
    loads = second_replica.loads
    second_replica.drop_listener()
    # Made while nothing listens: only a full reload can bring it in.
    lamp = await catalog.add(name="Orbit Floor Lamp", category="home", price_cents=8999)

    async def reloaded():
        assert second_replica.loads > loads and second_replica.ready
        ids, _ = await _index_answer(second_replica, empty_catalog, "orbit")
        assert ids == [lamp["id"]]

    await _eventually(reloaded, 10)
