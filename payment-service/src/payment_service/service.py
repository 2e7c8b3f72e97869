"""Use cases of the payment service: tokenising cards, charging orders, refunding them, and the
processor switch. Events go to the outbox in the caller's transaction; nothing here commits.
The saga's use cases (charging, refunding, the switch) take a `Tx` or a connection on asyncpg;
tokenising cards and reading payments take an ORM session.

Card numbers and CVCs stop at `tokenise_card`: they are checked, reduced to a `Card`, and never
passed on, stored or logged.
"""

import logging
import random
import re
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

import asyncpg
from service_kit.auth import Principal
from service_kit.outbox import add_event
from service_kit.pg import Tx
from shop_contracts import PaymentStatus
from shop_contracts.events import (
    OrderCancelled,
    OrderCreated,
    PaymentFailed,
    PaymentRefunded,
    PaymentSucceeded,
)
from sqlalchemy.ext.asyncio import AsyncSession

from payment_service import processor, repository
from payment_service.config import PaymentSettings
from payment_service.errors import InvalidCard, PaymentNotFound, TooManyPaymentMethods
from payment_service.models import Payment, PaymentMethod
from payment_service.processor import BUILTIN_METHODS, Card, CardRejected
from payment_service.repository import RefundedPayment

log = logging.getLogger(__name__)

OUT_OF_STOCK = "out_of_stock"
ORDER_CANCELLED = "order_cancelled"
# What a stored token looks like; anything else is not looked up (and never stored).
# Saved cards per user: a bound on what one account can make the service store and list.
MAX_SAVED_CARDS = 20

_TOKEN_PATTERN = re.compile(r"pm_[A-Za-z0-9_-]{1,64}")


# Payment methods


async def tokenise_card(
    session: AsyncSession,
    user: Principal,
    *,
    card_number: str,
    exp_month: int,
    exp_year: int,
    cvc: str,
    now: datetime | None = None,
) -> PaymentMethod:
    try:
        card = processor.check_card(
            card_number, exp_month, exp_year, cvc, now=now or datetime.now(UTC)
        )
    except CardRejected as exc:
        fields = ", ".join(dict.fromkeys(p.field for p in exc.problems))
        raise InvalidCard(
            f"The card details are not valid: {fields}.",
            details=[
                {"field": p.field, "message": p.message, "type": p.type} for p in exc.problems
            ],
        ) from None
    if await repository.count_payment_methods_locked(session, user.user_id) >= MAX_SAVED_CARDS:
        raise TooManyPaymentMethods(MAX_SAVED_CARDS)
    method = await repository.add_payment_method(
        session, token=processor.new_token(), user_id=user.user_id, card=card
    )
    log.info(
        "card tokenised",
        extra={"payment_method_id": method.id, "brand": method.brand, "user_id": str(user.user_id)},
    )
    return method


async def list_payment_methods(
    session: AsyncSession, user: Principal, *, limit: int, offset: int
) -> tuple[Sequence[PaymentMethod], int]:
    return await repository.list_payment_methods(session, user.user_id, limit=limit, offset=offset)


async def resolve_payment_method(
    conn: asyncpg.Connection, token: str, user_id: uuid.UUID
) -> tuple[str, Card] | None:
    """The card behind `token` if `user_id` may charge it: a built-in test token, or one of the
    user's own tokens."""
    if (builtin := BUILTIN_METHODS.get(token)) is not None:
        return token, builtin
    if not _TOKEN_PATTERN.fullmatch(token):
        return None
    return await repository.find_card(conn, token, user_id)


# Payments


async def list_payments(
    session: AsyncSession,
    principal: Principal,
    *,
    order_id: uuid.UUID | None,
    limit: int,
    offset: int,
) -> Sequence[Payment]:
    """A customer sees their own payments; an admin everyone's."""
    return await repository.list_payments(
        session,
        user_id=None if principal.is_admin else principal.user_id,
        order_id=order_id,
        limit=limit,
        offset=offset,
    )


async def get_payment(
    session: AsyncSession, principal: Principal, payment_id: uuid.UUID
) -> Payment:
    payment = await repository.get_payment(session, payment_id)
    if payment is None or (not principal.is_admin and payment.user_id != principal.user_id):
        raise PaymentNotFound()
    return payment


async def charge_order(
    tx: Tx,
    order: OrderCreated,
    *,
    decline_rate: float,
    now: datetime | None = None,
    roll: Callable[[], float] = random.random,
) -> uuid.UUID | None:
    """Charge an order once, emit payment.success or payment.failed, and return the payment's
    id.

    Returns None, emitting nothing, when the order already has a payment: a redelivery, or the
    same order announced again under a new event id."""
    resolved = await resolve_payment_method(tx.conn, order.payment_method, order.user_id)
    token, card = resolved if resolved is not None else (None, None)
    decision = processor.decide(
        card, now=now or datetime.now(UTC), decline_rate=decline_rate, roll=roll
    )
    reason = decision.decline_reason.value if decision.decline_reason is not None else None
    payment_id = await repository.insert_payment_once(
        tx.conn,
        order_id=order.order_id,
        user_id=order.user_id,
        payment_method_id=token,
        amount_cents=order.total_cents,
        currency=order.currency,
        status=PaymentStatus.APPROVED if decision.approved else PaymentStatus.DECLINED,
        brand=card.brand if card is not None else None,
        last4=card.last4 if card is not None else None,
        decline_reason=reason,
    )
    if payment_id is None:
        log.info("order already charged; nothing to do", extra={"order_id": str(order.order_id)})
        return None
    if decision.approved:
        assert card is not None
        await add_event(
            tx,
            PaymentSucceeded(
                payment_id=payment_id,
                order_id=order.order_id,
                user_id=order.user_id,
                amount_cents=order.total_cents,
                currency=order.currency,
                brand=card.brand,
                last4=card.last4,
                items=order.items,
            ),
        )
    else:
        assert reason is not None
        await add_event(
            tx,
            PaymentFailed(
                payment_id=payment_id,
                order_id=order.order_id,
                user_id=order.user_id,
                amount_cents=order.total_cents,
                reason=reason,
            ),
        )
    log.info(
        "payment approved" if decision.approved else "payment declined",
        extra={"order_id": str(order.order_id), "payment_id": str(payment_id), "reason": reason},
    )
    return payment_id


async def refund_order(
    tx: Tx, order_id: uuid.UUID, *, reason: str = OUT_OF_STOCK
) -> RefundedPayment | None:
    """Refund the order's approved payment once and emit payment.refunded. None, emitting
    nothing, when there is no approved payment (never charged, declined, already refunded)."""
    refunded = await repository.refund_payment(tx.conn, order_id, reason=reason)
    if refunded is None:
        log.info("no approved payment to refund", extra={"order_id": str(order_id)})
        return None
    await add_event(
        tx,
        PaymentRefunded(
            payment_id=refunded.payment_id,
            order_id=refunded.order_id,
            amount_cents=refunded.amount_cents,
            reason=reason,
        ),
    )
    log.info(
        "payment refunded",
        extra={"order_id": str(order_id), "payment_id": str(refunded.payment_id)},
    )
    return refunded


async def settle_cancelled_order(tx: Tx, order: OrderCancelled) -> None:
    """An order was cancelled: it must end with no charge kept.

    Not charged yet: record a declined payment, so that its order.created, should it come
    later, finds the order's one payment taken and charges nothing. Charged already (the
    customer cancelled while the charge was in flight): refund it. Declined or refunded: done.
    The unique order_id orders a concurrent charge and this: whichever commits second sees the
    other's row (the refund is a second statement, so it sees a charge that committed while
    the insert waited for it)."""
    blocked = await repository.insert_payment_once(
        tx.conn,
        order_id=order.order_id,
        user_id=order.user_id,
        payment_method_id=None,
        amount_cents=order.total_cents,
        currency="USD",
        status=PaymentStatus.DECLINED,
        brand=None,
        last4=None,
        decline_reason=ORDER_CANCELLED,
    )
    if blocked is not None:
        log.info("order cancelled before its charge", extra={"order_id": str(order.order_id)})
        return
    await refund_order(tx, order.order_id, reason=ORDER_CANCELLED)


# The processor switch


@dataclass(frozen=True, slots=True)
class ProcessorSwitch:
    decline_rate: float
    processing_delay_ms: int
    source: Literal["settings", "admin"]
    updated_at: datetime | None = None
    updated_by: uuid.UUID | None = None


async def processor_switch(conn: asyncpg.Connection, settings: PaymentSettings) -> ProcessorSwitch:
    """The rules in force: an admin's override, else the settings."""
    config = await repository.get_processor_config(conn)
    if config is None:
        return ProcessorSwitch(settings.decline_rate, settings.processing_delay_ms, "settings")
    return ProcessorSwitch(
        config.decline_rate,
        config.processing_delay_ms,
        "admin",
        updated_at=config.updated_at,
        updated_by=config.updated_by,
    )


async def set_processor_switch(
    conn: asyncpg.Connection, admin: Principal, *, decline_rate: float, processing_delay_ms: int
) -> ProcessorSwitch:
    config = await repository.put_processor_config(
        conn,
        decline_rate=decline_rate,
        processing_delay_ms=processing_delay_ms,
        updated_by=admin.user_id,
    )
    log.info(
        "processor switch changed",
        extra={
            "decline_rate": decline_rate,
            "processing_delay_ms": processing_delay_ms,
            "admin_id": str(admin.user_id),
        },
    )
    return ProcessorSwitch(
        config.decline_rate,
        config.processing_delay_ms,
        "admin",
        updated_at=config.updated_at,
        updated_by=config.updated_by,
    )


async def reset_processor_switch(
    conn: asyncpg.Connection, admin: Principal, settings: PaymentSettings
) -> ProcessorSwitch:
    await repository.delete_processor_config(conn)
    log.info("processor switch reset to settings", extra={"admin_id": str(admin.user_id)})
    return ProcessorSwitch(settings.decline_rate, settings.processing_delay_ms, "settings")
