"""decrement_for_order and the payment.success handler built on it."""

import asyncio
import uuid

from inventory_service import service
from inventory_service.models import MovementReason
from inventory_service_tests_factories import (
    envelope,
    order_line,
    payment_succeeded,
    product_deleted,
)
from shop_contracts import StockChangeReason
from shop_contracts.events import StockInsufficient, StockShortage, StockUpdated


async def _decrement(pg, order_id, lines):
    async with pg.transaction() as tx:
        return await service.decrement_for_order(tx, order_id, [order_line(p, q) for p, q in lines])


async def test_decrement_takes_every_item_and_records_each_change(factory, pg):
    a, b = await factory.product(stock=5), await factory.product(stock=2)
    order_id = uuid.uuid4()

    result = await _decrement(pg, order_id, [(a, 3), (b, 2)])

    assert result.applied and not result.repeated and result.shortages == ()
    assert (await factory.stock(a), await factory.stock(b)) == (2, 0)
    assert (await factory.ledger(a))[-1] == {
        "delta": -3,
        "stock_after": 2,
        "reason": "order",
        "order_id": order_id,
        "actor_id": None,
        "note": None,
    }
    assert await factory.outbox(StockUpdated, product_id=b, order_id=order_id) == [
        StockUpdated(
            product_id=b, stock=0, delta=-2, reason=StockChangeReason.ORDER, order_id=order_id
        )
    ]


async def test_decrement_changes_nothing_when_one_item_is_short(factory, pg):
    plenty, scarce = await factory.product(stock=10), await factory.product(stock=1)
    order_id = uuid.uuid4()

    result = await _decrement(pg, order_id, [(plenty, 4), (scarce, 2)])

    assert result.applied is False
    assert result.shortages == (StockShortage(product_id=scarce, requested=2, available=1),)
    assert (await factory.stock(plenty), await factory.stock(scarce)) == (10, 1)
    assert len(await factory.ledger(plenty)) == 1 and len(await factory.ledger(scarce)) == 1
    assert await factory.outbox(StockUpdated, order_id=order_id) == []


async def test_decrement_called_twice_for_one_order_decrements_once(factory, pg):
    product_id = await factory.product(stock=5)
    order_id = uuid.uuid4()

    first = await _decrement(pg, order_id, [(product_id, 2)])
    second = await _decrement(pg, order_id, [(product_id, 2)])

    assert first.applied and not first.repeated
    assert second.applied and second.repeated
    assert await factory.stock(product_id) == 3
    assert [m["delta"] for m in await factory.ledger(product_id)] == [5, -2]
    assert len(await factory.outbox(StockUpdated, order_id=order_id)) == 1


async def test_an_order_refused_for_lack_of_stock_stays_refused_after_a_restock(
    factory, pg, client, admin
):
    product_id = await factory.product(stock=1)
    order_id = uuid.uuid4()
    assert not (await _decrement(pg, order_id, [(product_id, 3)])).applied

    await client.post(f"/api/inventory/{product_id}/adjust", json={"delta": 10}, headers=admin)
    again = await _decrement(pg, order_id, [(product_id, 3)])

    # The payment was refunded on the first refusal; taking the stock now would sell it free.
    assert again.applied is False and again.repeated is True
    assert again.shortages == (StockShortage(product_id=product_id, requested=3, available=1),)
    assert await factory.stock(product_id) == 11


async def test_concurrent_duplicates_of_one_order_decrement_once(factory, pg):
    product_id = await factory.product(stock=10)
    order_id = uuid.uuid4()

    results = await asyncio.gather(*(_decrement(pg, order_id, [(product_id, 3)]) for _ in range(5)))

    assert sum(not r.repeated for r in results) == 1
    assert all(r.applied for r in results)
    assert await factory.stock(product_id) == 7


async def test_concurrent_orders_for_the_last_units_never_oversell(factory, pg):
    a, b = await factory.product(stock=3), await factory.product(stock=3)

    # Lines in opposite orders: locks are taken in product-id order, so no deadlock.
    results = await asyncio.gather(
        *(
            _decrement(pg, uuid.uuid4(), [(a, 1), (b, 1)] if i % 2 else [(b, 1), (a, 1)])
            for i in range(8)
        )
    )

    assert sum(r.applied for r in results) == 3
    assert (await factory.stock(a), await factory.stock(b)) == (0, 0)


async def test_a_restock_committed_while_an_order_waits_for_the_row_counts(factory, pg):
    product_id = await factory.product(stock=1)
    async with pg.transaction() as restock:
        await service.adjust_stock(
            restock, product_id, 5, reason=MovementReason.RESTOCK, actor_id=uuid.uuid4()
        )
        # The order's statement starts before the restock commits, and waits for its lock.
        order = asyncio.create_task(_decrement(pg, uuid.uuid4(), [(product_id, 4)]))
        await asyncio.sleep(0.2)
        assert not order.done()

    result = await order
    assert result.applied and result.shortages == ()
    assert await factory.stock(product_id) == 2
    assert [m["stock_after"] for m in await factory.ledger(product_id)] == [1, 6, 2]


async def test_a_product_removed_from_the_catalog_counts_as_out_of_stock(factory, pg):
    product_id = await factory.product(stock=5)
    await factory.deliver(product_deleted(product_id))

    result = await _decrement(pg, uuid.uuid4(), [(product_id, 1)])

    assert result.shortages == (StockShortage(product_id=product_id, requested=1, available=0),)


async def test_payment_success_decrements_the_paid_order(factory):
    a, b = await factory.product(stock=4), await factory.product(stock=4)
    event = payment_succeeded([(a, 1), (b, 4)])

    assert await factory.deliver(envelope(event, producer="payment-service"))

    assert (await factory.stock(a), await factory.stock(b)) == (3, 0)
    assert {e.product_id for e in await factory.outbox(StockUpdated, order_id=event.order_id)} == {
        a,
        b,
    }
    assert await factory.outbox(StockInsufficient, order_id=event.order_id) == []


async def test_payment_success_with_a_short_item_emits_stock_insufficient_once(factory):
    a, b = await factory.product(stock=4), await factory.product(stock=1)
    event = payment_succeeded([(a, 1), (b, 2)])

    await factory.deliver(envelope(event, producer="payment-service"))
    # The payment service re-publishes the same payment (a new event id): still one answer.
    await factory.deliver(envelope(event, producer="payment-service"))

    assert (await factory.stock(a), await factory.stock(b)) == (4, 1)
    assert await factory.outbox(StockInsufficient, order_id=event.order_id) == [
        StockInsufficient(
            order_id=event.order_id,
            items=[StockShortage(product_id=b, requested=2, available=1)],
        )
    ]
    assert await factory.outbox(StockUpdated, order_id=event.order_id) == []


async def test_payment_success_delivered_twice_decrements_once(factory):
    product_id = await factory.product(stock=6)
    env = envelope(payment_succeeded([(product_id, 2)]), producer="payment-service")

    assert await factory.deliver(env) is True
    assert await factory.deliver(env) is False

    assert await factory.stock(product_id) == 4
