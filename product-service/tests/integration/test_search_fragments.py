"""A search page built from the index's kept product JSON is byte for byte the page built from
PostgreSQL's rows with pydantic, and a change of anything a page shows (name, price, picture,
stock, deletion) shows in the next search: at once on the replica that made it, through the
notification on another."""

import json
import random
from datetime import UTC, datetime
from typing import Any

from product_service import repository, routes
from product_service.schemas import (
    CategoryCount,
    Facets,
    PriceRange,
    ProductOut,
    ProductPage,
)
from product_service.search.live import LiveSearchIndex
from product_service.search.query import SearchRequest, filters_from

from . import test_search_index
from .test_search_index import SORTS, TYPED
from .test_search_index import eventually as _eventually
from .test_stock_read_model import stock_event

# The index tests' fixtures: a seeded catalog, and a second replica's index.
seeded = test_search_index.seeded
second_replica = test_search_index.second_replica


async def _page_as_pydantic_built_it(live, database, request: SearchRequest) -> bytes:
    """The body as the page is built without fragments: every product read and validated."""
    found = await live.search(request)
    async with database.connection() as conn:
        rows = await repository.products_by_ids(conn, found.product_ids)
    facets = found.facets
    page = ProductPage(
        items=[ProductOut.model_validate(dict(row)) for row in rows],
        total=facets.total,
        limit=request.limit,
        offset=request.offset,
        facets=Facets(
            categories=[CategoryCount(name=n, count=c) for n, c in facets.categories],
            price=PriceRange(min_cents=facets.min_price_cents, max_cents=facets.max_price_cents),
        ),
        corrected_query=found.corrected,
    )
    return routes._PAGE_JSON.dump_json(page)


async def _body(live: LiveSearchIndex, database, request: SearchRequest) -> bytes:
    return (await routes._search_page(database, request, live)()).body


async def test_pages_from_fragments_are_byte_for_byte_the_pages_pydantic_built(app, seeded):
    live: LiveSearchIndex = app.state.kit.extra["search_index"]
    database = app.state.kit.database
    rng = random.Random(3)
    compared = from_memory = 0
    for typed in (*TYPED, None, "hedphones wireless", "zzzz"):
        for sort in SORTS:
            request = SearchRequest(
                q=typed,
                filters=filters_from(
                    rng.choice((None, "audio", "kitchen")),
                    rng.choice((None, 1500)),
                    rng.choice((None, 20000)),
                    rng.random() < 0.3,
                ),
                sort=sort,
                limit=rng.choice((1, 20, 100)),
                offset=rng.choice((0, 0, 20)),
            )
            expected = await _page_as_pydantic_built_it(live, database, request)
            # Twice: first filling the fragments, then from them.
            for _ in range(2):
                from_memory += len(live.fragments) > 0
                assert await _body(live, database, request) == expected, request
                compared += 1
    assert compared > 300 and len(live.fragments) > 1000 and from_memory > 300


async def _shown(live: LiveSearchIndex, app, sessions, typed: str) -> dict[str, Any]:
    request = SearchRequest(q=typed, filters=filters_from(None, None, None, False))
    body = await _body(live, app.state.kit.database, request)
    return {item["id"]: item for item in json.loads(body)["items"]}


async def test_a_change_shows_in_the_next_search_here_and_through_the_notification_on_another(
    app, catalog, client, deliver, empty_catalog, second_replica
):
    own: LiveSearchIndex = app.state.kit.extra["search_index"]
    lamp = await catalog.add(name="Haven Desk Lamp", category="home", price_cents=3999, stock=2)
    kettle = await catalog.add(name="Brava Lamp Kettle", category="kitchen", price_cents=2999)
    lamp_id, kettle_id = lamp["id"], kettle["id"]
    for live in (own, second_replica):

        async def filled(live=live):
            shown = await _shown(live, app, empty_catalog, "lamp")
            assert set(shown) == {lamp_id, kettle_id}
            assert {str(i) for i in live.fragments._json} >= {lamp_id, kettle_id}

        await _eventually(filled)

    changes: list[tuple[str, Any, Any]] = [
        ("name", {"name": "Haven Desk Lamp Mini"}, None),
        ("price_cents", {"price_cents": 1999}, None),
        ("image_url", {"image_url": "https://cdn.example.com/p/lamp.jpg"}, None),
        ("description", {"description": "Warm light."}, None),
        ("attributes", {"attributes": {"color": "brass"}}, None),
        ("stock", None, 7),
    ]
    for field, patch, stock in changes:
        if patch is not None:
            response = await client.patch(
                f"/api/products/{lamp_id}", json=patch, headers=catalog.admin
            )
            assert response.status_code == 200, response.text
            wanted = patch[field]
        else:
            await deliver(stock_event(lamp_id, stock, datetime.now(UTC)))
            wanted = stock
        for live in (own, second_replica):

            async def changed(live=live, field=field, wanted=wanted):
                shown = await _shown(live, app, empty_catalog, "lamp")
                assert shown[lamp_id][field] == wanted, (field, live is own)

            await (changed() if live is own else _eventually(changed))

    await client.delete(f"/api/products/{kettle_id}", headers=catalog.admin)
    for live in (own, second_replica):

        async def deleted(live=live):
            shown = await _shown(live, app, empty_catalog, "lamp")
            assert set(shown) == {lamp_id}

        await (deleted() if live is own else _eventually(deleted))


async def test_a_lost_listener_forgets_every_fragment(catalog, empty_catalog, second_replica, app):
    await catalog.add(name="Orbit Floor Lamp", category="home", price_cents=8999)
    await _eventually(lambda: _filled(second_replica, app, empty_catalog))
    loads = second_replica.loads
    second_replica.drop_listener()

    async def reloaded():
        assert second_replica.loads > loads and second_replica.ready

    await _eventually(reloaded, 10)
    assert len(second_replica.fragments) == 0


async def _filled(live: LiveSearchIndex, app, sessions) -> None:
    await _shown(live, app, sessions, "orbit")
    assert len(live.fragments) == 1
