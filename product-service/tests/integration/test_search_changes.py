"""A search shows every change of the products in its page, facets and sorts: a product added,
changed, deleted or restocked."""

from datetime import UTC, datetime

from product_service_tests_factories import names

from .test_stock_read_model import stock_event


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
