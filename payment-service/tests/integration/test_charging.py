"""order.created -> a charge by the test-card rules -> payment.success or payment.failed, staged in
the outbox in the consumer's transaction; at most one charge per order, however it is delivered."""

import asyncio

import pytest
from payment_service_tests_factories import (
    DECLINED_CARD,
    INSUFFICIENT_FUNDS_CARD,
    MASTERCARD,
    envelope,
    order_created,
)
from shop_contracts import SUBSCRIPTIONS, Envelope
from shop_contracts.events import PaymentFailed, PaymentSucceeded


def test_the_consumer_handles_exactly_the_payment_subscriptions(handlers):
    assert handlers.routing_keys == tuple(sorted(SUBSCRIPTIONS["payment"]))


@pytest.mark.parametrize(
    ("token", "brand", "last4"),
    [("pm_card_visa", "visa", "4242"), ("pm_card_mastercard", "mastercard", "4444")],
)
async def test_an_approving_test_token_charges_and_emits_payment_success(shop, token, brand, last4):
    customer = shop.customer()
    order = order_created(user_id=customer.id, payment_method=token, total_cents=4_321)
    assert await shop.deliver(order)

    [payment] = await shop.payments_for(order.order_id)
    assert payment["status"] == "APPROVED"
    assert (payment["brand"], payment["last4"], payment["amount_cents"]) == (brand, last4, 4_321)
    assert payment["decline_reason"] is None
    [(sent, event)] = await shop.events_for(order.order_id)
    assert sent.type == "payment.success"
    assert sent.producer == "payment-service"
    assert event == PaymentSucceeded(
        payment_id=payment["id"],
        order_id=order.order_id,
        user_id=customer.id,
        amount_cents=4_321,
        currency="USD",
        brand=brand,
        last4=last4,
        items=order.items,
    )


@pytest.mark.parametrize(
    ("token", "reason"),
    [
        ("pm_card_chargeDeclined", "card_declined"),
        ("pm_card_chargeDeclinedInsufficientFunds", "insufficient_funds"),
        ("pm_does_not_exist", "invalid_payment_method"),
        ("4242424242424242", "invalid_payment_method"),  # a raw number is not a payment method
        ("", "invalid_payment_method"),
    ],
)
async def test_a_declining_method_records_the_decline_and_emits_payment_failed(shop, token, reason):
    customer = shop.customer()
    order = order_created(user_id=customer.id, payment_method=token)
    assert await shop.deliver(order)

    [payment] = await shop.payments_for(order.order_id)
    assert (payment["status"], payment["decline_reason"]) == ("DECLINED", reason)
    [(sent, event)] = await shop.events_for(order.order_id)
    assert sent.type == "payment.failed"
    assert event == PaymentFailed(
        payment_id=payment["id"],
        order_id=order.order_id,
        user_id=customer.id,
        amount_cents=order.total_cents,
        reason=reason,
    )


@pytest.mark.parametrize(
    ("number", "outcome", "reason"),
    [
        (MASTERCARD, "payment.success", None),
        (DECLINED_CARD, "payment.failed", "card_declined"),
        (INSUFFICIENT_FUNDS_CARD, "payment.failed", "insufficient_funds"),
    ],
)
async def test_a_tokenised_test_card_charges_by_its_behaviour(shop, number, outcome, reason):
    customer = shop.customer()
    method = await shop.tokenise(customer, card_number=number)
    order = order_created(user_id=customer.id, payment_method=method["id"])
    assert await shop.deliver(order)

    [payment] = await shop.payments_for(order.order_id)
    assert payment["payment_method_id"] == method["id"]
    assert payment["last4"] == method["last4"]
    assert payment["decline_reason"] == reason
    [(sent, event)] = await shop.events_for(order.order_id)
    assert sent.type == outcome
    if reason is not None:
        assert event.reason == reason


async def test_another_users_token_is_declined_as_invalid_payment_method(shop):
    owner, thief = shop.customer(), shop.customer()
    method = await shop.tokenise(owner)
    order = order_created(user_id=thief.id, payment_method=method["id"])
    assert await shop.deliver(order)

    [payment] = await shop.payments_for(order.order_id)
    assert (payment["status"], payment["decline_reason"]) == ("DECLINED", "invalid_payment_method")
    assert payment["payment_method_id"] is None
    assert (payment["brand"], payment["last4"]) == (None, None)
    [(sent, _)] = await shop.events_for(order.order_id)
    assert sent.type == "payment.failed"


async def test_the_same_order_created_delivered_twice_charges_once_and_emits_once(shop):
    order = order_created(user_id=shop.customer().id)
    message = envelope(order)
    assert await shop.deliver(message) is True
    assert await shop.deliver(message) is False  # the inbox has it

    assert len(await shop.payments_for(order.order_id)) == 1
    assert [e.type for e, _ in await shop.events_for(order.order_id)] == ["payment.success"]


async def test_the_same_order_announced_again_under_a_new_event_id_charges_once(shop):
    order = order_created(user_id=shop.customer().id)
    assert await shop.deliver(envelope(order)) is True
    # A new event id passes the inbox; the unique order_id in payments stops the charge.
    assert await shop.deliver(envelope(order)) is True

    assert len(await shop.payments_for(order.order_id)) == 1
    assert [e.type for e, _ in await shop.events_for(order.order_id)] == ["payment.success"]


async def test_a_redelivery_after_a_decline_does_not_charge_the_order_again(shop, switch):
    order = order_created(user_id=shop.customer().id)
    await switch(decline_rate=1.0)
    assert await shop.deliver(envelope(order))
    await switch(decline_rate=0.0)
    assert await shop.deliver(envelope(order))

    [payment] = await shop.payments_for(order.order_id)
    assert payment["status"] == "DECLINED"
    assert [e.type for e, _ in await shop.events_for(order.order_id)] == ["payment.failed"]


async def test_concurrent_deliveries_of_one_order_charge_it_once(shop):
    order = order_created(user_id=shop.customer().id)
    messages: list[Envelope] = [envelope(order) for _ in range(5)]
    results = await asyncio.gather(*(shop.deliver(m) for m in messages))
    assert results == [True] * 5

    assert len(await shop.payments_for(order.order_id)) == 1
    assert [e.type for e, _ in await shop.events_for(order.order_id)] == ["payment.success"]


async def test_decline_rate_one_declines_every_charge_with_card_declined(shop, switch):
    await switch(decline_rate=1.0)
    customer = shop.customer()
    orders = [order_created(user_id=customer.id) for _ in range(5)]
    for order in orders:
        assert await shop.deliver(order)

    for order in orders:
        [payment] = await shop.payments_for(order.order_id)
        assert (payment["status"], payment["decline_reason"]) == ("DECLINED", "card_declined")
        [(sent, event)] = await shop.events_for(order.order_id)
        assert (sent.type, event.reason) == ("payment.failed", "card_declined")


async def test_decline_rate_zero_after_a_reset_approves_again(shop, switch):
    await switch(decline_rate=1.0)
    await shop.reset_switch()
    order = await shop.charge(shop.customer())
    [payment] = await shop.payments_for(order.order_id)
    assert payment["status"] == "APPROVED"
