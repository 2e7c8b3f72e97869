"""Every query of the payment service.

The saga's statements (a charge, a refund, the processor switch every charge reads) run on
asyncpg directly, written out with `$n` parameters; tokenising cards and reading payments stay
on the ORM (DESIGN.md: "asyncpg directly on hot paths").
"""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import asyncpg
from shop_contracts import PaymentStatus
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from payment_service.models import PROCESSOR_CONFIG_ID, Payment, PaymentMethod
from payment_service.processor import Behaviour, Card

# Payment methods


async def add_payment_method(
    session: AsyncSession, *, token: str, user_id: uuid.UUID, card: Card
) -> PaymentMethod:
    method = PaymentMethod(
        id=token,
        user_id=user_id,
        brand=card.brand,
        last4=card.last4,
        exp_month=card.exp_month,
        exp_year=card.exp_year,
        behaviour=card.behaviour,
    )
    session.add(method)
    await session.flush()
    return method


async def count_payment_methods_locked(session: AsyncSession, user_id: uuid.UUID) -> int:
    """How many cards the user has saved, holding a lock on the user's cards until the
    transaction ends, so two concurrent additions cannot both pass the limit."""
    await session.execute(
        text("SELECT pg_advisory_xact_lock(hashtextextended(:user_id, 0))"),
        {"user_id": str(user_id)},
    )
    count = await session.scalar(
        select(func.count()).select_from(PaymentMethod).where(PaymentMethod.user_id == user_id)
    )
    return int(count or 0)


async def list_payment_methods(
    session: AsyncSession, user_id: uuid.UUID, *, limit: int, offset: int
) -> tuple[Sequence[PaymentMethod], int]:
    """A page of the user's cards, newest first, and how many there are in all."""
    mine = PaymentMethod.user_id == user_id
    total = await session.scalar(select(func.count()).select_from(PaymentMethod).where(mine))
    result = await session.scalars(
        select(PaymentMethod)
        .where(mine)
        .order_by(PaymentMethod.created_at.desc(), PaymentMethod.id)
        .limit(limit)
        .offset(offset)
    )
    return result.all(), int(total or 0)


async def find_card(
    conn: asyncpg.Connection, token: str, user_id: uuid.UUID
) -> tuple[str, Card] | None:
    """The card behind one of `user_id`'s own tokens; None for another user's or no token."""
    row = await conn.fetchrow(
        "SELECT id, brand, last4, exp_month, exp_year, behaviour FROM payment_methods "
        "WHERE id = $1 AND user_id = $2",
        token,
        user_id,
    )
    if row is None:
        return None
    card = Card(
        brand=row["brand"],
        last4=row["last4"],
        exp_month=row["exp_month"],
        exp_year=row["exp_year"],
        behaviour=Behaviour(row["behaviour"]),
    )
    return row["id"], card


# Payments


_INSERT_PAYMENT_ONCE = """
INSERT INTO payments (id, order_id, user_id, payment_method_id, amount_cents, currency, status,
                      brand, last4, decline_reason)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
ON CONFLICT (order_id) DO NOTHING
RETURNING id
"""


async def insert_payment_once(
    conn: asyncpg.Connection,
    *,
    order_id: uuid.UUID,
    user_id: uuid.UUID,
    payment_method_id: str | None,
    amount_cents: int,
    currency: str,
    status: PaymentStatus,
    brand: str | None,
    last4: str | None,
    decline_reason: str | None,
) -> uuid.UUID | None:
    """Record the order's payment and return its id, or None if the order already has one.

    The unique order_id decides: a concurrent second insert waits for the first to commit and
    then does nothing, so two deliveries of one order can never both charge it."""
    payment_id: uuid.UUID | None = await conn.fetchval(
        _INSERT_PAYMENT_ONCE,
        uuid.uuid4(),
        order_id,
        user_id,
        payment_method_id,
        amount_cents,
        currency,
        status.value,
        brand,
        last4,
        decline_reason,
    )
    return payment_id


@dataclass(frozen=True, slots=True)
class RefundedPayment:
    payment_id: uuid.UUID
    order_id: uuid.UUID
    amount_cents: int


# The guarded APPROVED -> REFUNDED update and the refund row, in one statement. Only one of two
# concurrent refunds gets the payment row; refunds are unique per payment besides.
_REFUND = """
WITH refunded AS (
    UPDATE payments SET status = $3, updated_at = now()
    WHERE order_id = $1 AND status = $4
    RETURNING id, order_id, amount_cents
), refund AS (
    INSERT INTO refunds (id, payment_id, amount_cents, reason)
    SELECT $5, id, amount_cents, $2 FROM refunded
)
SELECT id, order_id, amount_cents FROM refunded
"""


async def refund_payment(
    conn: asyncpg.Connection, order_id: uuid.UUID, *, reason: str
) -> RefundedPayment | None:
    """Refund the order's approved payment; None if there is no approved payment (none at
    all, declined, or already refunded)."""
    row = await conn.fetchrow(
        _REFUND,
        order_id,
        reason,
        PaymentStatus.REFUNDED.value,
        PaymentStatus.APPROVED.value,
        uuid.uuid4(),
    )
    if row is None:
        return None
    return RefundedPayment(row["id"], row["order_id"], row["amount_cents"])


async def get_payment(session: AsyncSession, payment_id: uuid.UUID) -> Payment | None:
    return await session.get(Payment, payment_id)


async def list_payments(
    session: AsyncSession,
    *,
    user_id: uuid.UUID | None,
    order_id: uuid.UUID | None,
    limit: int,
    offset: int,
) -> Sequence[Payment]:
    """Newest first; `user_id` None means everyone's."""
    query = select(Payment)
    if user_id is not None:
        query = query.where(Payment.user_id == user_id)
    if order_id is not None:
        query = query.where(Payment.order_id == order_id)
    result = await session.scalars(
        query.order_by(Payment.created_at.desc(), Payment.id).limit(limit).offset(offset)
    )
    return result.all()


# Processor switch


@dataclass(frozen=True, slots=True)
class ProcessorConfigRow:
    decline_rate: float
    processing_delay_ms: int
    updated_by: uuid.UUID
    updated_at: datetime


def _config(row: asyncpg.Record | None) -> ProcessorConfigRow | None:
    if row is None:
        return None
    return ProcessorConfigRow(
        row["decline_rate"], row["processing_delay_ms"], row["updated_by"], row["updated_at"]
    )


async def get_processor_config(conn: asyncpg.Connection) -> ProcessorConfigRow | None:
    row = await conn.fetchrow(
        "SELECT decline_rate, processing_delay_ms, updated_by, updated_at "
        "FROM processor_config WHERE id = $1",
        PROCESSOR_CONFIG_ID,
    )
    return _config(row)


async def put_processor_config(
    conn: asyncpg.Connection,
    *,
    decline_rate: float,
    processing_delay_ms: int,
    updated_by: uuid.UUID,
) -> ProcessorConfigRow:
    row = await conn.fetchrow(
        "INSERT INTO processor_config (id, decline_rate, processing_delay_ms, updated_by) "
        "VALUES ($1, $2, $3, $4) "
        "ON CONFLICT (id) DO UPDATE SET decline_rate = excluded.decline_rate, "
        "processing_delay_ms = excluded.processing_delay_ms, "
        "updated_by = excluded.updated_by, updated_at = now() "
        "RETURNING decline_rate, processing_delay_ms, updated_by, updated_at",
        PROCESSOR_CONFIG_ID,
        decline_rate,
        processing_delay_ms,
        updated_by,
    )
    config = _config(row)
    assert config is not None
    return config


async def delete_processor_config(conn: asyncpg.Connection) -> None:
    await conn.execute("DELETE FROM processor_config WHERE id = $1", PROCESSOR_CONFIG_ID)
