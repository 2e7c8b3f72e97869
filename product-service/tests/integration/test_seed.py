"""`seed` fills an empty catalog with the demo products through the normal use case (so other
services hear of them); `seed --synthetic N` bulk-loads generated products for benchmarks."""

from product_service.demo_catalog import demo_items
from product_service.seed import add_synthetic, seed_demo
from sqlalchemy import text

from .test_search_index import eventually


async def _count(sessions, sql: str) -> int:
    async with sessions() as session:
        return int(await session.scalar(text(sql)))


async def _indexed(app, products: int) -> None:
    """Seeding runs apart from the service, as another replica: its products reach this
    replica's index through the notifications."""

    async def caught_up():
        index = app.state.kit.extra["search_index"].index
        assert index is not None and len(index) == products

    await eventually(caught_up, 10)


async def test_the_demo_catalog_goes_into_an_empty_catalog_once(catalog, settings, empty_catalog):
    first = await seed_demo(settings)
    second = await seed_demo(settings)

    assert first == len(demo_items()) >= 200
    assert second == 0
    assert await _count(empty_catalog, "SELECT count(*) FROM products") == first
    created = "SELECT count(*) FROM outbox WHERE routing_key = 'product.created'"
    assert await _count(empty_catalog, created) == first
    categories = await catalog.client.get("/api/categories")
    assert len(categories.json()) >= 8
    assert sum(c["count"] for c in categories.json()) == first


async def test_the_demo_catalog_is_searchable_with_typos(app, catalog, settings, empty_catalog):
    await _indexed(app, await seed_demo(settings))

    page = await catalog.search(q="hedphones")
    espresso = await catalog.search(q="espreso machine")

    assert page["corrected_query"] == "headphones"
    assert page["total"] >= 4
    assert all("Headphones" in item["name"] for item in page["items"][:4])
    assert espresso["total"] == 4
    assert all("Espresso Machine" in item["name"] for item in espresso["items"])


async def test_the_demo_catalog_is_not_added_to_a_catalog_with_products(catalog, settings):
    await catalog.add()

    assert await seed_demo(settings) == 0
    assert (await catalog.search())["total"] == 1


async def test_synthetic_products_are_bulk_loaded_without_events(
    app, catalog, settings, empty_catalog
):
    added = await add_synthetic(settings, 1500, seed=3)
    await _indexed(app, added)

    page = await catalog.search(q="keybord")

    assert added == 1500
    assert await _count(empty_catalog, "SELECT count(*) FROM products") == 1500
    assert await _count(empty_catalog, "SELECT count(*) FROM outbox") == 0
    assert page["corrected_query"] == "keyboard"
    assert page["total"] > 0
    assert all("Keyboard" in item["name"] for item in page["items"])
