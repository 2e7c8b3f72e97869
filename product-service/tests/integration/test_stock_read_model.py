"""The stock shown in the catalog follows the inventory service's stock.updated events: each
applied once, never moved backwards by an older one."""

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

from product_service.consumers import handlers
from product_service.dependencies import SEARCH_CACHE
from service_kit.testing import publish_envelope
from shop_contracts import SUBSCRIPTIONS, Envelope
from shop_contracts.events import StockUpdated

T0 = datetime(2025, 11, 25, 12, 0, tzinfo=UTC)


def stock_event(product_id: str, stock: int, at: datetime, delta: int = -1) -> Envelope:
    event = StockUpdated(product_id=uuid.UUID(product_id), stock=stock, delta=delta, reason="order")
    envelope = Envelope.wrap(event, producer="inventory-service")
    return envelope.model_copy(update={"occurred_at": at})


async def stock_of(client, product: dict) -> int:
    response = await client.get(f"/api/products/{product['id']}")
    return int(response.json()["stock"])


def test_the_consumer_handles_exactly_the_events_product_subscribes_to():
    assert handlers.routing_keys == tuple(sorted(SUBSCRIPTIONS["product"]))


async def test_a_stock_event_sets_the_stock_shown(catalog, client, deliver):
    product = await catalog.add(stock=5)

    applied = await deliver(stock_event(product["id"], 42, T0))

    assert applied is True
    assert await stock_of(client, product) == 42


async def test_the_same_event_twice_changes_nothing(catalog, client, deliver):
    product = await catalog.add(stock=5)
    first = stock_event(product["id"], 4, T0)
    later = stock_event(product["id"], 3, T0 + timedelta(seconds=1))

    await deliver(first)
    await deliver(later)
    replayed = await deliver(first)

    assert replayed is False
    assert await stock_of(client, product) == 3


async def test_an_older_event_after_a_newer_one_does_not_move_stock_back(catalog, client, deliver):
    product = await catalog.add(stock=10)
    newer = stock_event(product["id"], 7, T0 + timedelta(minutes=1))
    older = stock_event(product["id"], 9, T0)

    await deliver(newer)
    await deliver(older)

    assert await stock_of(client, product) == 7


async def test_stock_for_an_unknown_product_is_absorbed(catalog, deliver):
    applied = await deliver(stock_event(str(uuid.uuid4()), 3, T0))

    assert applied is True  # handled (recorded in the inbox), with nothing to change


async def test_sold_out_by_stock_event_leaves_the_in_stock_results(catalog, client, deliver):
    product = await catalog.add(name="Solo Lamp", stock=2)

    await deliver(stock_event(product["id"], 0, T0, delta=-2))
    page = await catalog.search(q="solo", in_stock="true")

    assert await stock_of(client, product) == 0
    assert page["total"] == 0


async def test_a_stock_event_through_the_broker_reaches_the_running_service(
    catalog, client, settings
):
    product = await catalog.add(stock=5)
    envelope = Envelope.wrap(
        StockUpdated(product_id=uuid.UUID(product["id"]), stock=61, delta=56, reason="restock"),
        producer="inventory-service",
    )

    await publish_envelope(settings.amqp_url.get_secret_value(), envelope)

    for _ in range(100):
        if await stock_of(client, product) == 61:
            break
        await asyncio.sleep(0.05)
    assert await stock_of(client, product) == 61


async def test_a_stock_event_shows_in_searches_that_ran_before_it(catalog, client, deliver):
    lamp = await catalog.add(name="Tally Lamp", stock=2)
    shown = await catalog.search(q="tally")
    in_stock = await catalog.search(q="tally", in_stock="true")

    await deliver(stock_event(lamp["id"], 0, T0, delta=-2))

    assert shown["items"][0]["stock"] == 2 and in_stock["total"] == 1
    assert (await catalog.search(q="tally"))["items"][0]["stock"] == 0
    assert (await catalog.search(q="tally", in_stock="true"))["total"] == 0


async def test_a_stock_event_leaves_other_cached_searches_alone(catalog, client, deliver, app):
    lamp = await catalog.add(name="Quill Lamp", stock=2)
    await catalog.add(name="Quill Desk", stock=3)
    await catalog.search(q="desk")
    cached = app.state.kit.extra[SEARCH_CACHE]
    before = len(cached)

    await deliver(stock_event(lamp["id"], 1, T0))

    assert before > 0 and len(cached) == before  # the desk page does not show the lamp
