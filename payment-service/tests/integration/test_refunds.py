"""stock.insufficient -> the order's approved payment is refunded once -> payment.refunded."""

from payment_service_tests_factories import envelope, order_created, stock_insufficient
from shop_contracts.events import PaymentRefunded


async def test_stock_insufficient_refunds_the_payment_and_emits_payment_refunded(shop):
    order = await shop.charge(shop.customer())
    assert await shop.deliver(stock_insufficient(order.order_id))

    [payment] = await shop.payments_for(order.order_id)
    assert payment["status"] == "REFUNDED"
    [refund] = await shop.refunds_for(order.order_id)
    assert (refund["amount_cents"], refund["reason"]) == (order.total_cents, "out_of_stock")
    types = [e.type for e, _ in await shop.events_for(order.order_id)]
    assert types == ["payment.success", "payment.refunded"]
    _, refunded = (await shop.events_for(order.order_id))[1]
    assert refunded == PaymentRefunded(
        payment_id=payment["id"],
        order_id=order.order_id,
        amount_cents=order.total_cents,
        reason="out_of_stock",
    )


async def test_stock_insufficient_twice_refunds_once(shop):
    order = await shop.charge(shop.customer())
    shortage = envelope(stock_insufficient(order.order_id), producer="inventory-service")
    assert await shop.deliver(shortage) is True
    assert await shop.deliver(shortage) is False  # same event id: the inbox has it
    assert await shop.deliver(stock_insufficient(order.order_id)) is True  # new id: no effect

    assert len(await shop.refunds_for(order.order_id)) == 1
    types = [e.type for e, _ in await shop.events_for(order.order_id)]
    assert types == ["payment.success", "payment.refunded"]


async def test_stock_insufficient_for_an_order_never_charged_does_nothing(shop):
    order = order_created(user_id=shop.customer().id)
    assert await shop.deliver(stock_insufficient(order.order_id))

    assert await shop.payments_for(order.order_id) == []
    assert await shop.events_for(order.order_id) == []


async def test_stock_insufficient_for_a_declined_order_does_nothing(shop):
    order = await shop.charge(shop.customer(), payment_method="pm_card_chargeDeclined")
    assert await shop.deliver(stock_insufficient(order.order_id))

    [payment] = await shop.payments_for(order.order_id)
    assert payment["status"] == "DECLINED"
    assert await shop.refunds_for(order.order_id) == []
    assert [e.type for e, _ in await shop.events_for(order.order_id)] == ["payment.failed"]
