"""The read model follows the events, whatever order they come in, and only paid orders count
as co-purchases."""

import datetime as dt
import uuid

from recommendation_service import repository
from recommendation_service_tests_factories import (
    cart_updated,
    envelope,
    ids,
    order_cancelled,
    order_created,
    order_paid,
    product_created,
    product_deleted,
    product_updated,
    stock_updated,
)


def minutes_from_now(minutes: int) -> dt.datetime:
    return dt.datetime.now(dt.UTC) + dt.timedelta(minutes=minutes)


async def _row(factory, product_id):
    async with factory.database.connection() as conn:
        return await repository.product(conn, product_id)


async def _history(factory, user_id):
    async with factory.database.connection() as conn:
        return await repository.history(conn, user_id)


async def test_an_older_product_update_arriving_late_is_ignored(factory):
    product_id = await factory.product(name="Aria Headphones")
    await factory.deliver(
        envelope(product_updated(product_id, "Aria Headphones II"), minutes_from_now(1))
    )

    await factory.deliver(envelope(product_updated(product_id, "Old name"), minutes_from_now(-5)))

    row = await _row(factory, product_id)
    assert (row.name, row.version) == ("Aria Headphones II", 2)


async def test_stock_heard_before_the_product_is_kept(factory):
    product_id = uuid.uuid4()
    await factory.deliver(envelope(stock_updated(product_id, 3), minutes_from_now(1)))
    assert await _row(factory, product_id) is None  # not a product to show yet

    await factory.deliver(product_created(product_id=product_id, stock=10))

    assert (await _row(factory, product_id)).stock == 3


async def test_a_deleted_product_is_not_brought_back_by_a_late_update(factory):
    product_id = await factory.product()
    await factory.deliver(envelope(product_deleted(product_id), minutes_from_now(1)))

    await factory.deliver(envelope(product_updated(product_id, "Back again"), minutes_from_now(-5)))

    row = await _row(factory, product_id)
    assert row.deleted and row.name != "Back again"


async def test_an_order_counts_as_bought_once_paid_and_not_after_a_cancellation(factory):
    user = uuid.uuid4()
    a, b = await factory.product(), await factory.product()
    order = order_created(user, [a, b])

    await factory.deliver(order)
    assert (await _history(factory, user)).ordered == {a: 1, b: 1}

    await factory.deliver(order_paid(order))
    assert (await _history(factory, user)).bought == {a: 1, b: 1}

    await factory.deliver(order_cancelled(order))
    history = await _history(factory, user)
    assert history.bought == {} and history.ordered == {}


async def test_payment_heard_before_the_order_still_gives_a_paid_order(factory):
    user = uuid.uuid4()
    a = await factory.product()
    order = order_created(user, [a])

    await factory.deliver(order_paid(order))
    await factory.deliver(order)

    assert (await _history(factory, user)).bought == {a: 1}


async def test_a_late_payment_does_not_revive_a_cancelled_order(factory):
    user = uuid.uuid4()
    order = order_created(user, [await factory.product()])
    await factory.deliver(order)
    await factory.deliver(order_cancelled(order))

    await factory.deliver(order_paid(order))

    assert (await _history(factory, user)).bought == {}


async def test_the_cart_held_is_the_last_one_announced(factory):
    user = uuid.uuid4()
    a, b = await factory.product(), await factory.product()
    await factory.deliver(envelope(cart_updated(user, [a, b]), minutes_from_now(1)))

    await factory.deliver(envelope(cart_updated(user, [a]), minutes_from_now(-5)))

    assert (await _history(factory, user)).cart == {a: 1, b: 1}
    await factory.deliver(envelope(cart_updated(user, []), minutes_from_now(2)))
    assert (await _history(factory, user)).cart == {}


async def test_the_model_is_rebuilt_only_when_catalog_or_paid_orders_changed(factory):
    refresher = factory.app.state.recommender.refresher
    await refresher.refresh()
    assert not await refresher.refresh()

    a = await factory.product(category="refresh-test")
    assert await refresher.refresh()
    await factory.deliver(stock_updated(a, 4))  # availability is read per request
    assert not await refresher.refresh()

    await factory.paid_order(uuid.uuid4(), [a, await factory.product()])
    assert await refresher.refresh()
    assert refresher.snapshot.knows(a)


async def test_an_unpaid_order_is_no_co_purchase(factory):
    category = f"unpaid-{uuid.uuid4().hex[:8]}"
    a = await factory.product(name="Quill pen", category=category)
    b = await factory.product(name="Walnut box", category=f"{category}-b")
    await factory.deliver(order_created(uuid.uuid4(), [a, b]))
    await factory.refresh()

    related = await factory.related(a)

    assert not any("together" in item["reason"] for item in related["items"])
    assert (
        b not in ids(related) or "together" not in related["items"][ids(related).index(b)]["reason"]
    )
