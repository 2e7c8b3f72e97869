"""payment.refunded: a refunded order holds no stock, whichever event arrives first."""

import uuid

from inventory_service_tests_factories import payment_succeeded
from shop_contracts import StockChangeReason
from shop_contracts.events import PaymentRefunded, StockUpdated


def _refunded(order_id: uuid.UUID, reason: str = "order_cancelled") -> PaymentRefunded:
    return PaymentRefunded(
        payment_id=uuid.uuid4(), order_id=order_id, amount_cents=100, reason=reason
    )


async def test_refund_after_the_decrement_gives_the_stock_back_once(factory):
    a, b = await factory.product(stock=5), await factory.product(stock=4)
    order_id = uuid.uuid4()
    assert await factory.deliver(payment_succeeded([(a, 2), (b, 1)], order_id=order_id))
    assert (await factory.stock(a), await factory.stock(b)) == (3, 3)

    assert await factory.deliver(_refunded(order_id))
    assert await factory.deliver(_refunded(order_id))  # again, under a new event id

    assert (await factory.stock(a), await factory.stock(b)) == (5, 4)
    returned = [row for row in await factory.ledger(a) if row["reason"] == "order_return"]
    assert [(r["delta"], r["stock_after"], r["order_id"]) for r in returned] == [(2, 5, order_id)]
    assert StockUpdated(
        product_id=a, stock=5, delta=2, reason=StockChangeReason.ORDER, order_id=order_id
    ) in await factory.outbox(StockUpdated, product_id=a, order_id=order_id)


async def test_refund_before_the_payment_success_makes_it_change_nothing(factory):
    a = await factory.product(stock=5)
    order_id = uuid.uuid4()
    assert await factory.deliver(_refunded(order_id))
    assert await factory.deliver(payment_succeeded([(a, 2)], order_id=order_id))

    assert await factory.stock(a) == 5
    assert await factory.outbox(StockUpdated, order_id=order_id) == []


async def test_refund_of_an_order_refused_for_lack_of_stock_changes_nothing(factory):
    a = await factory.product(stock=1)
    order_id = uuid.uuid4()
    assert await factory.deliver(payment_succeeded([(a, 3)], order_id=order_id))
    assert await factory.deliver(_refunded(order_id, reason="out_of_stock"))

    assert await factory.stock(a) == 1
    assert [r["reason"] for r in await factory.ledger(a)] == ["initial"]
