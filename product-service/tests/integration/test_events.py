"""Every catalog change writes its event to the outbox in the same transaction, in the shape
the shared contracts define."""

import uuid

import orjson
from shop_contracts import parse_event
from shop_contracts.events import ProductCreated, ProductDeleted, ProductUpdated
from sqlalchemy import text


async def _outbox(sessions) -> list:
    async with sessions() as session:
        rows = await session.execute(
            text("SELECT routing_key, body FROM outbox ORDER BY created_at, id")
        )
        return [(key, parse_event(orjson.loads(body))) for key, body in rows.all()]


async def test_adding_a_product_publishes_product_created_with_its_initial_stock(
    catalog, empty_catalog
):
    product = await catalog.add(stock=17, image_url=None)

    [(key, (envelope, event))] = await _outbox(empty_catalog)

    assert key == envelope.type == "product.created"
    assert envelope.producer == "product-service"
    assert isinstance(event, ProductCreated)
    assert event == ProductCreated(
        product_id=uuid.UUID(product["id"]),
        name=product["name"],
        description=product["description"],
        price_cents=product["price_cents"],
        currency="USD",
        category=product["category"],
        image_url=product["image_url"],
        stock=17,
    )


async def test_changing_a_product_publishes_product_updated_with_every_field(
    catalog, client, empty_catalog
):
    product = await catalog.add()
    await client.patch(
        f"/api/products/{product['id']}",
        json={"price_cents": 999, "name": "Renamed Lamp"},
        headers=catalog.admin,
    )

    events = await _outbox(empty_catalog)

    assert [key for key, _ in events] == ["product.created", "product.updated"]
    _, (_, updated) = events[1]
    assert isinstance(updated, ProductUpdated)
    assert updated.product_id == uuid.UUID(product["id"])
    assert (updated.name, updated.price_cents) == ("Renamed Lamp", 999)
    assert (updated.category, updated.description) == (product["category"], product["description"])


async def test_a_change_that_changes_nothing_publishes_nothing(catalog, client, empty_catalog):
    product = await catalog.add()

    response = await client.patch(
        f"/api/products/{product['id']}",
        json={"price_cents": product["price_cents"], "name": product["name"]},
        headers=catalog.admin,
    )

    assert response.json() == product
    assert [key for key, _ in await _outbox(empty_catalog)] == ["product.created"]


async def test_deleting_a_product_publishes_product_deleted(catalog, client, empty_catalog):
    product = await catalog.add()
    await client.delete(f"/api/products/{product['id']}", headers=catalog.admin)

    events = await _outbox(empty_catalog)

    assert [key for key, _ in events] == ["product.created", "product.deleted"]
    assert events[1][1][1] == ProductDeleted(product_id=uuid.UUID(product["id"]))


async def test_a_refused_change_writes_no_event(catalog, client, empty_catalog):
    product = await catalog.add()

    await client.patch(
        f"/api/products/{product['id']}", json={"price_cents": 5}, headers=catalog.customer
    )
    await client.post("/api/products", json={"name": "x"}, headers=catalog.admin)

    assert [key for key, _ in await _outbox(empty_catalog)] == ["product.created"]
