"""product.created / product.deleted, through the service's handlers and through the broker."""

import asyncio
import uuid

from inventory_service_tests_factories import envelope, product_created, product_deleted
from service_kit.testing import publish_envelope
from shop_contracts import StockChangeReason
from shop_contracts.events import StockUpdated


async def test_product_created_starts_the_stock_with_a_ledger_row_and_a_stock_updated_event(
    factory, client
):
    event = product_created(stock=12)

    assert await factory.deliver(event) is True

    assert await factory.stock(event.product_id) == 12
    assert await factory.ledger(event.product_id) == [
        {
            "delta": 12,
            "stock_after": 12,
            "reason": "initial",
            "order_id": None,
            "actor_id": None,
            "note": "initial stock",
        }
    ]
    assert await factory.outbox(StockUpdated, product_id=event.product_id) == [
        StockUpdated(
            product_id=event.product_id, stock=12, delta=12, reason=StockChangeReason.RESTOCK
        )
    ]
    response = await client.get(f"/api/inventory/{event.product_id}")
    assert response.status_code == 200
    assert response.json()["stock"] == 12


async def test_product_created_delivered_twice_has_one_effect(factory):
    env = envelope(product_created(stock=4))

    assert await factory.deliver(env) is True
    assert await factory.deliver(env) is False

    product_id = env.data["product_id"]
    assert await factory.stock(product_id) == 4
    assert len(await factory.ledger(product_id)) == 1
    assert len(await factory.outbox(StockUpdated, product_id=product_id)) == 1


async def test_a_second_product_created_for_the_same_product_does_not_reset_its_stock(
    factory, client, admin
):
    product_id = await factory.product(stock=5)
    await client.post(f"/api/inventory/{product_id}/adjust", json={"delta": -2}, headers=admin)

    # A re-published product.created (new event id) is not a restock.
    assert await factory.deliver(product_created(stock=5, product_id=product_id)) is True

    assert await factory.stock(product_id) == 3
    assert [m["reason"] for m in await factory.ledger(product_id)] == ["initial", "admin"]


async def test_product_deleted_removes_the_record_and_keeps_its_ledger(factory, client):
    product_id = await factory.product(stock=3)

    await factory.deliver(product_deleted(product_id))

    response = await client.get(f"/api/inventory/{product_id}")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "stock_not_found"
    assert len(await factory.ledger(product_id)) == 1


async def test_product_deleted_before_its_creation_arrives_keeps_it_removed(factory, client):
    product_id = uuid.uuid4()

    await factory.deliver(product_deleted(product_id))
    await factory.deliver(product_created(stock=9, product_id=product_id))

    assert (await client.get(f"/api/inventory/{product_id}")).status_code == 404
    assert await factory.ledger(product_id) == []
    assert await factory.outbox(StockUpdated, product_id=product_id) == []


async def test_product_created_published_twice_on_the_broker_is_applied_once_by_the_consumer(
    client, settings, factory
):
    event = product_created(stock=21)
    env = envelope(event)
    await publish_envelope(settings.amqp_url.get_secret_value(), env, times=2)

    url = f"/api/inventory/{event.product_id}"
    for _ in range(200):
        response = await client.get(url)
        if response.status_code == 200:
            break
        await asyncio.sleep(0.05)
    assert response.status_code == 200, "the consumer did not create the record in time"
    assert response.json()["stock"] == 21
    await asyncio.sleep(0.3)  # time for the duplicate to be delivered, and skipped
    assert len(await factory.ledger(event.product_id)) == 1
