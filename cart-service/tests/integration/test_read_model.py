"""The product read model follows product.* and stock.updated, whatever order they come in."""

import asyncio
import datetime as dt
import uuid

from cart_service_tests_factories import (
    envelope,
    product_created,
    product_deleted,
    product_updated,
    stock_updated,
)
from service_kit.testing import publish_envelope


def minutes_from_now(minutes: int) -> dt.datetime:
    return dt.datetime.now(dt.UTC) + dt.timedelta(minutes=minutes)


async def _line(factory, product_id, quantity=1):
    shopper = factory.shopper()
    await factory.add(shopper, product_id, quantity)
    return (await factory.cart(shopper))["items"][0]


async def test_an_older_product_update_arriving_late_is_ignored(factory):
    product_id = await factory.product(price_cents=1000)
    await factory.deliver(
        envelope(product_updated(product_id, price_cents=1300), minutes_from_now(1))
    )

    await factory.deliver(
        envelope(product_updated(product_id, price_cents=900), minutes_from_now(-5))
    )

    assert (await _line(factory, product_id))["unit_price_cents"] == 1300


async def test_an_older_stock_figure_arriving_late_is_ignored(factory):
    product_id = await factory.product(stock=10)
    await factory.deliver(envelope(stock_updated(product_id, stock=4), minutes_from_now(1)))

    await factory.deliver(envelope(stock_updated(product_id, stock=8), minutes_from_now(-5)))

    assert (await _line(factory, product_id))["available"] == 4


async def test_stock_heard_before_the_product_is_kept_and_the_product_sold_once_created(
    factory, client
):
    product_id = uuid.uuid4()
    shopper = factory.shopper()
    created = product_created(stock=10, product_id=product_id, price_cents=2000)
    stock_env = envelope(stock_updated(product_id, stock=6))
    created_env = envelope(created).model_copy(update={"occurred_at": minutes_from_now(-5)})

    await factory.deliver(stock_env)
    before = await client.post(
        "/api/cart/items", json={"product_id": str(product_id)}, headers=shopper.headers
    )
    await factory.deliver(created_env)

    assert before.status_code == 404
    line = await _line(factory, product_id)
    assert (line["available"], line["unit_price_cents"]) == (6, 2000)


async def test_a_deleted_product_is_not_brought_back_by_a_late_update(factory, client):
    product_id = await factory.product()
    await factory.deliver(envelope(product_deleted(product_id), minutes_from_now(1)))

    await factory.deliver(
        envelope(product_updated(product_id, price_cents=100), minutes_from_now(-5))
    )
    await factory.deliver(envelope(product_created(product_id=product_id), minutes_from_now(-5)))

    response = await client.post(
        "/api/cart/items", json={"product_id": str(product_id)}, headers=factory.shopper().headers
    )
    assert response.status_code == 404


async def test_product_created_published_on_the_broker_reaches_the_running_consumer(
    factory, client, settings
):
    event = product_created(price_cents=777, stock=3)
    env = envelope(event)
    await publish_envelope(settings.amqp_url.get_secret_value(), env)

    shopper = factory.shopper()
    body = {"product_id": str(event.product_id), "quantity": 3}
    for _ in range(200):
        response = await client.post("/api/cart/items", json=body, headers=shopper.headers)
        if response.status_code != 404:
            break
        await asyncio.sleep(0.05)
    assert response.status_code == 200, "the consumer did not record the product in time"
    assert response.json()["total_cents"] == 3 * 777
