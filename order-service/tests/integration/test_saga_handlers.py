"""The saga's events, handed to the consumer path (inbox + handler in one transaction) as the
broker delivers them: guarded transitions, in any order, any number of times."""

import asyncio
import uuid

import pytest
from order_service.consumers import handlers
from order_service_tests_factories import (
    payment_failed,
    payment_refunded,
    payment_succeeded,
    stock_insufficient,
)
from service_kit.consumer import PoisonMessage
from shop_contracts import SUBSCRIPTIONS
from shop_contracts.events import OrderCancelled, OrderPaid


def test_handlers_cover_exactly_the_order_subscriptions():
    assert set(handlers.routing_keys) == set(SUBSCRIPTIONS["order"])


async def test_payment_success_marks_the_order_paid_and_emits_order_paid(shop):
    order = await shop.place_order()

    assert await shop.deliver(payment_succeeded(order, brand="visa", last4="4242"))

    paid = await shop.order(order["id"])
    assert paid["status"] == "PAID"
    assert paid["payment"] == {
        "status": "APPROVED",
        "brand": "visa",
        "last4": "4242",
        "decline_reason": None,
    }
    assert [h["status"] for h in paid["status_history"]] == ["PENDING", "PAID"]
    assert paid["updated_at"] == paid["status_history"][-1]["at"]
    [envelope] = await shop.events(order["id"], "order.paid")
    event = OrderPaid.model_validate(envelope.data)
    assert (str(event.order_id), str(event.user_id), event.total_cents) == (
        order["id"],
        order["user_id"],
        order["total_cents"],
    )


async def test_payment_failure_cancels_with_the_decline_reason(shop):
    order = await shop.place_order()

    await shop.deliver(payment_failed(order, reason="insufficient_funds"))

    cancelled = await shop.order(order["id"])
    assert cancelled["status"] == "CANCELLED"
    assert cancelled["cancel_reason"] == "insufficient_funds"
    assert cancelled["payment"] == {
        "status": "DECLINED",
        "brand": None,
        "last4": None,
        "decline_reason": "insufficient_funds",
    }
    assert [(h["status"], h.get("reason")) for h in cancelled["status_history"]] == [
        ("PENDING", None),
        ("CANCELLED", "insufficient_funds"),
    ]
    [envelope] = await shop.events(order["id"], "order.cancelled")
    assert OrderCancelled.model_validate(envelope.data).reason == "insufficient_funds"


async def test_refund_after_payment_cancels_the_paid_order_out_of_stock(shop):
    order = await shop.paid_order()

    await shop.deliver(stock_insufficient(order))
    await shop.deliver(payment_refunded(order))

    cancelled = await shop.order(order["id"])
    assert cancelled["status"] == "CANCELLED"
    assert cancelled["cancel_reason"] == "out_of_stock"
    assert cancelled["payment"]["status"] == "REFUNDED"
    assert cancelled["payment"]["last4"] == "4242"
    assert [(h["status"], h["reason"]) for h in cancelled["status_history"]] == [
        ("PENDING", None),
        ("PAID", None),
        ("PAID", "stock_insufficient"),
        ("CANCELLED", "out_of_stock"),
    ]
    assert [e.type for e in await shop.events(order["id"])] == [
        "order.created",
        "order.paid",
        "order.cancelled",
    ]


async def test_refund_handled_before_its_success_still_ends_cancelled(shop):
    order = await shop.place_order()

    await shop.deliver(payment_refunded(order))
    await shop.deliver(payment_succeeded(order))

    final = await shop.order(order["id"])
    assert final["status"] == "CANCELLED"
    assert final["cancel_reason"] == "out_of_stock"
    # The late success does not undo the refund, but the card it names is still learned.
    assert final["payment"] == {
        "status": "REFUNDED",
        "brand": "visa",
        "last4": "4242",
        "decline_reason": None,
    }
    assert [h["status"] for h in final["status_history"]] == ["PENDING", "CANCELLED"]
    assert [e.type for e in await shop.events(order["id"])] == ["order.created", "order.cancelled"]


async def test_redelivered_event_with_the_same_id_is_applied_once(shop):
    order = await shop.place_order()
    event = payment_succeeded(order)
    envelope_id = uuid.uuid4()

    assert await shop.deliver(event, envelope_id) is True
    assert await shop.deliver(event, envelope_id) is False

    paid = await shop.order(order["id"])
    assert [h["status"] for h in paid["status_history"]] == ["PENDING", "PAID"]
    assert len(await shop.events(order["id"], "order.paid")) == 1


async def test_the_same_success_published_twice_moves_and_emits_once(shop):
    order = await shop.place_order()

    # Two envelopes (different ids) of one logical event, e.g. a producer's re-publish.
    await shop.deliver(payment_succeeded(order))
    await shop.deliver(payment_succeeded(order))

    paid = await shop.order(order["id"])
    assert paid["status"] == "PAID"
    assert [h["status"] for h in paid["status_history"]] == ["PENDING", "PAID"]
    assert len(await shop.events(order["id"], "order.paid")) == 1


async def test_duplicate_failure_refund_and_shortage_change_nothing_the_second_time(shop):
    declined = await shop.place_order()
    await shop.deliver(payment_failed(declined))
    await shop.deliver(payment_failed(declined, reason="another_reason"))

    refunded = await shop.paid_order()
    for _ in range(2):
        await shop.deliver(stock_insufficient(refunded))
        await shop.deliver(payment_refunded(refunded))

    declined_now = await shop.order(declined["id"])
    assert declined_now["cancel_reason"] == "card_declined"
    assert declined_now["payment"]["decline_reason"] == "card_declined"
    assert len(declined_now["status_history"]) == 2
    assert len(await shop.events(declined["id"], "order.cancelled")) == 1
    refunded_now = await shop.order(refunded["id"])
    assert [h["reason"] for h in refunded_now["status_history"]] == [
        None,
        None,
        "stock_insufficient",
        "out_of_stock",
    ]
    assert len(await shop.events(refunded["id"], "order.cancelled")) == 1


async def test_late_payment_failure_after_paid_changes_nothing(shop):
    order = await shop.paid_order()

    await shop.deliver(payment_failed(order))

    after = await shop.order(order["id"])
    assert after == order
    assert await shop.events(order["id"], "order.cancelled") == []


async def test_events_never_move_a_shipped_order(shop):
    order = await shop.paid_order()
    admin = shop.admin()
    assert (
        await shop.client.post(f"/api/orders/{order['id']}/ship", headers=admin.headers)
    ).status_code == 200
    shipped = await shop.order(order["id"])

    await shop.deliver(payment_succeeded(order))
    await shop.deliver(payment_failed(order))

    assert await shop.order(order["id"]) == shipped


async def test_shortage_is_recorded_and_stops_shipping_until_the_refund_cancels(shop):
    order = await shop.paid_order()

    await shop.deliver(stock_insufficient(order))

    noted = await shop.order(order["id"])
    assert noted["status"] == "PAID"
    assert noted["status_history"][-1]["reason"] == "stock_insufficient"
    admin = shop.admin()
    ship = await shop.client.post(f"/api/orders/{order['id']}/ship", headers=admin.headers)
    assert ship.status_code == 409
    assert ship.json()["error"]["code"] == "invalid_transition"


async def test_concurrent_success_and_refund_end_cancelled(shop):
    orders = [await shop.place_order() for _ in range(5)]

    await asyncio.gather(
        *(shop.deliver(payment_succeeded(o)) for o in orders),
        *(shop.deliver(payment_refunded(o)) for o in orders),
    )

    for order in orders:
        final = await shop.order(order["id"])
        assert final["status"] == "CANCELLED"
        assert final["cancel_reason"] == "out_of_stock"
        assert len(await shop.events(order["id"], "order.cancelled")) == 1
        assert len(await shop.events(order["id"], "order.paid")) <= 1


async def test_event_for_an_unknown_order_is_dead_lettered_not_retried(shop):
    ghost = {
        "id": str(uuid.uuid4()),
        "user_id": str(uuid.uuid4()),
        "total_cents": 100,
        "currency": "USD",
        "items": [],
    }

    with pytest.raises(PoisonMessage):
        await shop.deliver(payment_succeeded(ghost))
