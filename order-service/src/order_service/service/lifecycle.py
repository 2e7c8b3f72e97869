"""The order lifecycle: one table of allowed transitions, applied under a row lock.

A transition happens only from the states its trigger allows, so a late, duplicate or replayed
event (or a second click) never moves an order backwards; SHIPPED and CANCELLED are terminal.
The order row is locked (`SELECT ... FOR UPDATE`) for the decision, so concurrent events for
one order are applied one after the other.
"""

import logging
import uuid
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from service_kit.auth import Principal
from service_kit.consumer import PoisonMessage
from service_kit.outbox import add_event
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
from sqlalchemy.ext.asyncio import AsyncSession

from order_service import repository
from order_service.errors import InvalidTransition, OrderNotFound
from order_service.models import Order, OrderStatusChange, utcnow

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
    order: Order,
    status: PaymentStatus,
    *,
    brand: str | None = None,
    last4: str | None = None,
    decline_reason: str | None = None,
) -> None:
    """Payment facts only accumulate: a refund outranks an approval or a decline, and a late
    or repeated event never rolls them back (a refund handled before its success still
    learns the card)."""
    before = (order.payment_status, order.payment_brand, order.payment_last4)
    if _PAYMENT_RANK[status] > _PAYMENT_RANK[order.payment_status]:
        order.payment_status = status
        if status is PaymentStatus.DECLINED:
            order.payment_decline_reason = decline_reason
    order.payment_brand = order.payment_brand or brand
    order.payment_last4 = order.payment_last4 or last4
    if (order.payment_status, order.payment_brand, order.payment_last4) != before:
        order.updated_at = utcnow()


async def _move(
    session: AsyncSession, order: Order, trigger: Trigger, reason: str | None = None
) -> bool:
    """Apply `trigger` if the order's state allows it; emit the status event. False if not."""
    target = next_status(order.status, trigger)
    if target is None:
        return False
    now = utcnow()
    order.status = target
    order.updated_at = now
    if target is CANCELLED:
        order.cancel_reason = reason
    repository.add_status_change(
        session, order, OrderStatusChange(status=target, reason=reason, at=now)
    )
    changed: dict[str, Any] = {
        "order_id": order.id,
        "user_id": order.user_id,
        "total_cents": order.total_cents,
        "reason": reason,
    }
    event = {PAID: OrderPaid, SHIPPED: OrderShipped, CANCELLED: OrderCancelled}[target]
    await add_event(session, event(**changed))
    return True


async def _locked(session: AsyncSession, order_id: uuid.UUID, event_type: str) -> Order:
    order = await repository.lock_order(session, order_id, with_lines=False)
    if order is None:
        # Payment and stock events follow order.created, which is published only after the
        # order committed: an unknown order can never become known, so don't retry; the
        # dead-letter queue keeps the message for an operator.
        raise PoisonMessage(f"{event_type} for unknown order {order_id}")
    return order


def _ignored(order: Order, event_type: str) -> None:
    log.info(
        "event does not move the order",
        extra={"order_id": str(order.id), "status": order.status.value, "type": event_type},
    )


async def payment_succeeded(session: AsyncSession, event: PaymentSucceeded) -> None:
    order = await _locked(session, event.order_id, event.TYPE)
    record_payment(order, PaymentStatus.APPROVED, brand=event.brand, last4=event.last4)
    if not await _move(session, order, Trigger.PAYMENT_SUCCEEDED):
        _ignored(order, event.TYPE)


async def payment_failed(session: AsyncSession, event: PaymentFailed) -> None:
    order = await _locked(session, event.order_id, event.TYPE)
    record_payment(order, PaymentStatus.DECLINED, decline_reason=event.reason)
    if not await _move(session, order, Trigger.PAYMENT_FAILED, event.reason):
        _ignored(order, event.TYPE)


async def payment_refunded(session: AsyncSession, event: PaymentRefunded) -> None:
    order = await _locked(session, event.order_id, event.TYPE)
    record_payment(order, PaymentStatus.REFUNDED)
    if not await _move(session, order, Trigger.PAYMENT_REFUNDED, event.reason):
        _ignored(order, event.TYPE)


async def stock_insufficient(session: AsyncSession, event: StockInsufficient) -> None:
    """Noted in the history without a status change: the payment service refunds, and its
    payment.refunded cancels the order. A noted shortage also stops the order being shipped."""
    order = await _locked(session, event.order_id, event.TYPE)
    if order.stock_shortage is not None:
        _ignored(order, event.TYPE)
        return
    order.stock_shortage = [item.model_dump(mode="json") for item in event.items]
    now = utcnow()
    order.updated_at = now
    repository.add_status_change(
        session, order, OrderStatusChange(status=order.status, reason=STOCK_SHORTAGE_NOTE, at=now)
    )


async def ship(session: AsyncSession, order_id: uuid.UUID) -> Order:
    order = await repository.lock_order(session, order_id)
    if order is None:
        raise OrderNotFound()
    if order.stock_shortage is not None and order.status is PAID:
        raise InvalidTransition(order.status, "shipped: inventory reported its items out of stock")
    if not await _move(session, order, Trigger.SHIP):
        raise InvalidTransition(order.status, "shipped")
    return order


async def cancel(session: AsyncSession, order_id: uuid.UUID, principal: Principal) -> Order:
    order = await repository.lock_order(session, order_id)
    if order is None or (order.user_id != principal.user_id and not principal.is_admin):
        raise OrderNotFound()
    reason = CANCELLED_BY_CUSTOMER if order.user_id == principal.user_id else CANCELLED_BY_ADMIN
    if not await _move(session, order, Trigger.CANCEL, reason):
        raise InvalidTransition(order.status, "cancelled")
    return order
