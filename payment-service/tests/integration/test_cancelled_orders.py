"""order.cancelled: a cancelled order ends with no charge kept, whichever comes first."""

from payment_service_tests_factories import order_created
from shop_contracts.events import OrderCancelled, PaymentRefunded


def _cancelled(order) -> OrderCancelled:
    return OrderCancelled(
        order_id=order.order_id,
        user_id=order.user_id,
        total_cents=order.total_cents,
        reason="cancelled_by_customer",
    )


async def test_order_cancelled_before_its_charge_blocks_the_charge(shop):
    order = order_created(user_id=shop.customer().id)
    assert await shop.deliver(_cancelled(order))
    assert await shop.deliver(order)  # order.created arrives late: nothing is charged

    [payment] = await shop.payments_for(order.order_id)
    assert (payment["status"], payment["decline_reason"]) == ("DECLINED", "order_cancelled")
    assert await shop.events_for(order.order_id) == []


async def test_order_cancelled_after_an_approved_charge_refunds_it_once(shop):
    order = await shop.charge(shop.customer())
    assert await shop.deliver(_cancelled(order))
    assert await shop.deliver(_cancelled(order))  # a second delivery, new event id

    [payment] = await shop.payments_for(order.order_id)
    assert payment["status"] == "REFUNDED"
    [refund] = await shop.refunds_for(order.order_id)
    assert refund["reason"] == "order_cancelled"
    events = await shop.events_for(order.order_id)
    assert [e.type for e, _ in events] == ["payment.success", "payment.refunded"]
    assert events[1][1] == PaymentRefunded(
        payment_id=payment["id"],
        order_id=order.order_id,
        amount_cents=order.total_cents,
        reason="order_cancelled",
    )


async def test_order_cancelled_after_a_decline_changes_nothing(shop):
    order = await shop.charge(shop.customer(), payment_method="pm_card_chargeDeclined")
    assert await shop.deliver(_cancelled(order))

    [payment] = await shop.payments_for(order.order_id)
    assert (payment["status"], payment["decline_reason"]) == ("DECLINED", "card_declined")
    assert [e.type for e, _ in await shop.events_for(order.order_id)] == ["payment.failed"]
