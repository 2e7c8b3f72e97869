"""The allowed-transition table, and how payment facts accumulate."""

import uuid
from datetime import UTC, datetime

import pytest
from order_service.repository import OrderRow
from order_service.service.lifecycle import TRANSITIONS, Trigger, next_status, record_payment
from shop_contracts import OrderStatus, PaymentStatus

PENDING, PAID, SHIPPED, CANCELLED = (
    OrderStatus.PENDING,
    OrderStatus.PAID,
    OrderStatus.SHIPPED,
    OrderStatus.CANCELLED,
)

EXPECTED = {
    (PENDING, Trigger.PAYMENT_SUCCEEDED): PAID,
    (PENDING, Trigger.PAYMENT_FAILED): CANCELLED,
    (PENDING, Trigger.PAYMENT_REFUNDED): CANCELLED,
    (PENDING, Trigger.CANCEL): CANCELLED,
    (PAID, Trigger.SHIP): SHIPPED,
    (PAID, Trigger.PAYMENT_REFUNDED): CANCELLED,
}


@pytest.mark.parametrize("status", list(OrderStatus))
@pytest.mark.parametrize("trigger", list(Trigger))
def test_only_the_listed_transitions_move_an_order(status, trigger):
    assert next_status(status, trigger) == EXPECTED.get((status, trigger))


@pytest.mark.parametrize("status", [SHIPPED, CANCELLED])
def test_terminal_states_never_move(status):
    assert all(next_status(status, trigger) is None for trigger in Trigger)


def test_no_transition_leads_back_to_pending():
    assert all(transition.to is not PENDING for transition in TRANSITIONS.values())


def _order(**fields) -> OrderRow:
    placed = datetime(2026, 1, 1, tzinfo=UTC)
    return OrderRow(
        id=uuid.uuid4(),
        user_id=uuid.uuid4(),
        status=PENDING,
        total_cents=1_000,
        currency="USD",
        payment_method="pm_card_visa",
        shipping_address={},
        created_at=placed,
        updated_at=placed,
        **fields,
    )


def test_refund_outranks_an_approval_and_keeps_the_card():
    order = _order()
    record_payment(order, PaymentStatus.APPROVED, brand="visa", last4="4242")
    record_payment(order, PaymentStatus.REFUNDED)

    assert (order.payment_status, order.payment_brand, order.payment_last4) == (
        PaymentStatus.REFUNDED,
        "visa",
        "4242",
    )


def test_late_approval_after_refund_only_adds_the_card():
    order = _order()
    record_payment(order, PaymentStatus.REFUNDED)
    record_payment(order, PaymentStatus.APPROVED, brand="mastercard", last4="4444")

    assert (order.payment_status, order.payment_brand, order.payment_last4) == (
        PaymentStatus.REFUNDED,
        "mastercard",
        "4444",
    )


def test_late_decline_after_approval_changes_nothing():
    order = _order()
    record_payment(order, PaymentStatus.APPROVED, brand="visa", last4="4242")
    record_payment(order, PaymentStatus.DECLINED, decline_reason="card_declined")

    assert order.payment_status is PaymentStatus.APPROVED
    assert order.payment_decline_reason is None
