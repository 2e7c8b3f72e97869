"""A text search reads `product_search`, a narrow copy of the live products. It follows every
change in the transaction that makes it: an added, changed or deleted product, and an applied
stock level; a bulk load rebuilds it. What a search shows is then the same as the products."""

from datetime import UTC, datetime

from product_service.seed import add_synthetic
from product_service_tests_factories import names
from sqlalchemy import text

from .test_stock_read_model import stock_event

# The search row each live product should have, and the one it has.
_EXPECTED = (
    "SELECT id, category, price_cents, stock, created_at, lower(name) AS sort_name,"
    " search_vector::text FROM products WHERE deleted_at IS NULL ORDER BY id"
)
_STORED = (
    "SELECT id, category, price_cents, stock, created_at, sort_name, search_vector::text"
    " FROM product_search ORDER BY id"
)


async def _rows(sessions, sql: str) -> list[tuple]:
    async with sessions() as session:
        return [tuple(row) for row in (await session.execute(text(sql))).all()]


async def assert_search_rows_match_products(sessions) -> None:
    assert await _rows(sessions, _STORED) == await _rows(sessions, _EXPECTED)


async def test_search_rows_follow_products_added_changed_deleted_and_restocked(
    catalog, client, empty_catalog, deliver
):
    lamp = await catalog.add(name="Haven Desk Lamp", category="home", price_cents=3999, stock=2)
    kettle = await catalog.add(name="Brava Kettle", category="kitchen", price_cents=2999)
    await catalog.add(name="Lumen Floor Lamp", category="home", price_cents=8999)
    await assert_search_rows_match_products(empty_catalog)

    changed = await client.patch(
        f"/api/products/{lamp['id']}",
        json={"name": "Haven Reading Lamp", "category": "Office", "price_cents": 4599},
        headers=catalog.admin,
    )
    deleted = await client.delete(f"/api/products/{kettle['id']}", headers=catalog.admin)
    await deliver(stock_event(lamp["id"], 0, datetime.now(UTC)))

    assert changed.status_code == 200 and deleted.status_code == 204
    await assert_search_rows_match_products(empty_catalog)


async def test_a_search_shows_each_change_in_its_facets_and_sorts(
    catalog, client, empty_catalog, deliver
):
    desk = await catalog.add(name="Haven Desk Lamp", category="home", price_cents=3999, stock=2)
    await catalog.add(name="Lumen Floor Lamp", category="home", price_cents=8999, stock=1)
    await catalog.add(name="Orbit Clip Lamp", category="office", price_cents=1999, stock=0)

    await client.patch(
        f"/api/products/{desk['id']}",
        json={"name": "Haven Reading Lamp", "category": "office", "price_cents": 9999},
        headers=catalog.admin,
    )
    await deliver(stock_event(desk["id"], 0, datetime.now(UTC)))
    by_price = await catalog.search(q="lamp", sort="price_desc")
    by_name = await catalog.search(q="lamp", sort="name")
    in_stock = await catalog.search(q="lamp", in_stock="true")
    renamed = await catalog.search(q="reading")
    old_name = await catalog.search(q="desk")

    assert names(by_price) == ["Haven Reading Lamp", "Lumen Floor Lamp", "Orbit Clip Lamp"]
    assert names(by_name) == ["Haven Reading Lamp", "Lumen Floor Lamp", "Orbit Clip Lamp"]
    assert by_price["facets"] == {
        "categories": [{"name": "office", "count": 2}, {"name": "home", "count": 1}],
        "price": {"min_cents": 1999, "max_cents": 9999},
    }
    assert names(in_stock) == ["Lumen Floor Lamp"]
    assert in_stock["facets"]["categories"] == [{"name": "home", "count": 1}]
    assert names(renamed) == ["Haven Reading Lamp"]
    assert old_name["total"] == 0

    await client.delete(f"/api/products/{desk['id']}", headers=catalog.admin)
    after_delete = await catalog.search(q="lamp")

    assert after_delete["total"] == 2
    assert after_delete["facets"]["categories"] == [
        {"name": "home", "count": 1},
        {"name": "office", "count": 1},
    ]


async def test_a_bulk_load_writes_the_search_rows_of_every_product(settings, empty_catalog):
    await add_synthetic(settings, 500, seed=5)

    await assert_search_rows_match_products(empty_catalog)
