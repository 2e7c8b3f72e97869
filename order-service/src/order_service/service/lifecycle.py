"""The order lifecycle: one table of allowed transitions, applied under a row lock.

A transition happens only from the states its trigger allows, so a late, duplicate or replayed
event (or a second click) never moves an order backwards; SHIPPED and CANCELLED are terminal.
The order row is locked (`SELECT ... FOR UPDATE`) for the decision, so concurrent events for
one order are applied one after the other; what changed is written back in one statement, with
its history entry. An event reads only the order row; the routes answer with the whole order.
"""

import logging
import uuid
from dataclasses import dataclass
from enum import StrEnum

from service_kit.auth import Principal
from service_kit.consumer import PoisonMessage
from service_kit.outbox import add_event
from service_kit.pg import Tx
from shop_contracts import OrderStatus, PaymentStatus
from shop_contracts.events import (
    OrderCancelled,
    OrderPaid,
    OrderShipped,
    PaymentFailed,
    PaymentRefunded,
    PaymentSucceeded,
    StockInsufficient,
)

from order_service import repository
from order_service.errors import InvalidTransition, OrderNotFound
from order_service.models import utcnow
from order_service.repository import OrderDetail, OrderRow, StatusChange

log = logging.getLogger(__name__)

PENDING, PAID, SHIPPED, CANCELLED = (
    OrderStatus.PENDING,
    OrderStatus.PAID,
    OrderStatus.SHIPPED,
    OrderStatus.CANCELLED,
)


class Trigger(StrEnum):
    PAYMENT_SUCCEEDED = "payment succeeded"
    PAYMENT_FAILED = "payment failed"
    PAYMENT_REFUNDED = "payment refunded"
    SHIP = "shipped"
    CANCEL = "cancelled"


@dataclass(frozen=True)
class Transition:
    allowed_from: frozenset[OrderStatus]
    to: OrderStatus


TRANSITIONS: dict[Trigger, Transition] = {
    Trigger.PAYMENT_SUCCEEDED: Transition(frozenset({PENDING}), PAID),
    Trigger.PAYMENT_FAILED: Transition(frozenset({PENDING}), CANCELLED),
    # Normally from PAID. From PENDING too: the refund travels on another queue than the
    # success that preceded it and may be handled first; the late success then finds the
    # order CANCELLED and changes nothing.
    Trigger.PAYMENT_REFUNDED: Transition(frozenset({PENDING, PAID}), CANCELLED),
    Trigger.SHIP: Transition(frozenset({PAID}), SHIPPED),
    Trigger.CANCEL: Transition(frozenset({PENDING}), CANCELLED),
}

STOCK_SHORTAGE_NOTE = "stock_insufficient"
CANCELLED_BY_CUSTOMER = "cancelled_by_customer"
CANCELLED_BY_ADMIN = "cancelled_by_admin"


def next_status(current: OrderStatus, trigger: Trigger) -> OrderStatus | None:
    """The status `trigger` moves an order in `current` to, or None if it must not move."""
    transition = TRANSITIONS[trigger]
    return transition.to if current in transition.allowed_from else None


_PAYMENT_RANK: dict[PaymentStatus | None, int] = {
    None: 0,
    PaymentStatus.APPROVED: 1,
    PaymentStatus.DECLINED: 1,
    PaymentStatus.REFUNDED: 2,
}


def record_payment(
    order: OrderRow,
    status: PaymentStatus,
    *,
    brand: str | None = None,
    last4: str | None = None,
    decline_reason: str | None = None,
) -> bool:
    """Payment facts only accumulate: a refund outranks an approval or a decline, and a late
    or repeated event never rolls them back (a refund handled before its success still
    learns the card). True if the order learned something."""
    before = (order.payment_status, order.payment_brand, order.payment_last4)
    if _PAYMENT_RANK[status] > _PAYMENT_RANK[order.payment_status]:
        order.payment_status = status
        if status is PaymentStatus.DECLINED:
            order.payment_decline_reason = decline_reason
    order.payment_brand = order.payment_brand or brand
    order.payment_last4 = order.payment_last4 or last4
    if (order.payment_status, order.payment_brand, order.payment_last4) == before:
        return False
    order.updated_at = utcnow()
    return True


def _move(order: OrderRow, trigger: Trigger, reason: str | None = None) -> StatusChange | None:
    """Apply `trigger` to the order if its state allows it: the history entry to record, or
    None if it must not move."""
    target = next_status(order.status, trigger)
    if target is None:
        return None
    now = utcnow()
    order.status = target
    order.updated_at = now
    if target is CANCELLED:
        order.cancel_reason = reason
    return StatusChange(target, now, reason)


async def _save(tx: Tx, order: OrderRow, change: StatusChange | None) -> None:
    """Write the order back with `change` in its history, and emit the status event."""
    await repository.save_order(tx.conn, order, change)
    if change is None:
        return
    event = {PAID: OrderPaid, SHIPPED: OrderShipped, CANCELLED: OrderCancelled}[change.status]
    await add_event(
        tx,
        event(
            order_id=order.id,
            user_id=order.user_id,
            total_cents=order.total_cents,
            reason=change.reason,
        ),
    )


async def _locked(tx: Tx, order_id: uuid.UUID, event_type: str) -> OrderRow:
    order = await repository.lock_order(tx.conn, order_id)
    if order is None:
        # Payment and stock events follow order.created, which is published only after the
        # order committed: an unknown order can never become known, so don't retry; the
        # dead-letter queue keeps the message for an operator.
        raise PoisonMessage(f"{event_type} for unknown order {order_id}")
    return order


def _ignored(order: OrderRow, event_type: str) -> None:
    log.info(
        "event does not move the order",
        extra={"order_id": str(order.id), "status": order.status.value, "type": event_type},
    )


async def _settle(
    tx: Tx,
    order: OrderRow,
    trigger: Trigger,
    *,
    learned: bool,
    event_type: str,
    reason: str | None = None,
) -> None:
    """Move the order by a payment event's trigger; save it if it moved or `learned` payment
    facts."""
    change = _move(order, trigger, reason)
    if change is None:
        _ignored(order, event_type)
    if change is not None or learned:
        await _save(tx, order, change)


async def payment_succeeded(tx: Tx, event: PaymentSucceeded) -> None:
    order = await _locked(tx, event.order_id, event.TYPE)
    learned = record_payment(order, PaymentStatus.APPROVED, brand=event.brand, last4=event.last4)
    await _settle(tx, order, Trigger.PAYMENT_SUCCEEDED, learned=learned, event_type=event.TYPE)


async def payment_failed(tx: Tx, event: PaymentFailed) -> None:
    order = await _locked(tx, event.order_id, event.TYPE)
    learned = record_payment(order, PaymentStatus.DECLINED, decline_reason=event.reason)
    await _settle(
        tx,
        order,
        Trigger.PAYMENT_FAILED,
        learned=learned,
        event_type=event.TYPE,
        reason=event.reason,
    )


async def payment_refunded(tx: Tx, event: PaymentRefunded) -> None:
    order = await _locked(tx, event.order_id, event.TYPE)
    learned = record_payment(order, PaymentStatus.REFUNDED)
    await _settle(
        tx,
        order,
        Trigger.PAYMENT_REFUNDED,
        learned=learned,
        event_type=event.TYPE,
        reason=event.reason,
    )


async def stock_insufficient(tx: Tx, event: StockInsufficient) -> None:
    """Noted in the history without a status change: the payment service refunds, and its
    payment.refunded cancels the order. A noted shortage also stops the order being shipped."""
    order = await _locked(tx, event.order_id, event.TYPE)
    if order.stock_shortage is not None:
        _ignored(order, event.TYPE)
        return
    order.stock_shortage = [item.model_dump(mode="json") for item in event.items]
    now = utcnow()
    order.updated_at = now
    await repository.save_order(
        tx.conn, order, StatusChange(order.status, now, STOCK_SHORTAGE_NOTE)
    )


async def _answer(tx: Tx, order_id: uuid.UUID) -> OrderDetail:
    """The order as it stands in this transaction, for the route to answer with."""
    order = await repository.get_order(tx.conn, order_id)
    assert order is not None, "a locked order"
    return order


async def ship(tx: Tx, order_id: uuid.UUID) -> OrderDetail:
    order = await repository.lock_order(tx.conn, order_id)
    if order is None:
        raise OrderNotFound()
    if order.stock_shortage is not None and order.status is PAID:
        raise InvalidTransition(order.status, "shipped: inventory reported its items out of stock")
    change = _move(order, Trigger.SHIP)
    if change is None:
        raise InvalidTransition(order.status, "shipped")
    await _save(tx, order, change)
    return await _answer(tx, order_id)


async def cancel(tx: Tx, order_id: uuid.UUID, principal: Principal) -> OrderDetail:
    order = await repository.lock_order(tx.conn, order_id)
    if order is None or (order.user_id != principal.user_id and not principal.is_admin):
        raise OrderNotFound()
    reason = CANCELLED_BY_CUSTOMER if order.user_id == principal.user_id else CANCELLED_BY_ADMIN
    change = _move(order, Trigger.CANCEL, reason)
    if change is None:
        raise InvalidTransition(order.status, "cancelled")
    await _save(tx, order, change)
    return await _answer(tx, order_id)
