"""Every query of the payment service."""

import uuid
from collections.abc import Sequence

from shop_contracts import PaymentStatus
from sqlalchemy import delete, func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from payment_service.models import (
    PROCESSOR_CONFIG_ID,
    Payment,
    PaymentMethod,
    ProcessorConfig,
    Refund,
)
from payment_service.processor import Card

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


async def get_payment_method(session: AsyncSession, token: str) -> PaymentMethod | None:
    return await session.get(PaymentMethod, token)


async def list_payment_methods(
    session: AsyncSession, user_id: uuid.UUID
) -> Sequence[PaymentMethod]:
    result = await session.scalars(
        select(PaymentMethod)
        .where(PaymentMethod.user_id == user_id)
        .order_by(PaymentMethod.created_at.desc(), PaymentMethod.id)
    )
    return result.all()


# Payments


async def insert_payment_once(
    session: AsyncSession,
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
) -> Payment | None:
    """Record the order's payment, or return None if the order already has one.

    The unique order_id decides: a concurrent second insert waits for the first to commit and
    then does nothing, so two deliveries of one order can never both charge it."""
    statement = (
        insert(Payment)
        .values(
            id=uuid.uuid4(),
            order_id=order_id,
            user_id=user_id,
            payment_method_id=payment_method_id,
            amount_cents=amount_cents,
            currency=currency,
            status=status,
            brand=brand,
            last4=last4,
            decline_reason=decline_reason,
        )
        .on_conflict_do_nothing(index_elements=[Payment.order_id])
        .returning(Payment)
    )
    payment: Payment | None = await session.scalar(statement)
    return payment


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


async def mark_refunded(session: AsyncSession, order_id: uuid.UUID) -> Payment | None:
    """APPROVED -> REFUNDED for the order's payment; None if there is no approved payment
    (none at all, declined, or already refunded). One guarded update, so only one of two
    concurrent refunds gets the row."""
    statement = (
        update(Payment)
        .where(Payment.order_id == order_id, Payment.status == PaymentStatus.APPROVED)
        .values(status=PaymentStatus.REFUNDED, updated_at=func.now())
        .returning(Payment)
        .execution_options(synchronize_session=False)
    )
    payment: Payment | None = await session.scalar(statement)
    return payment


async def add_refund(
    session: AsyncSession, *, payment_id: uuid.UUID, amount_cents: int, reason: str
) -> Refund:
    """Refunds are unique per payment: a second one for the same payment fails loudly."""
    refund = Refund(
        id=uuid.uuid4(), payment_id=payment_id, amount_cents=amount_cents, reason=reason
    )
    session.add(refund)
    await session.flush()
    return refund


# Processor switch


async def get_processor_config(session: AsyncSession) -> ProcessorConfig | None:
    return await session.get(ProcessorConfig, PROCESSOR_CONFIG_ID)


async def put_processor_config(
    session: AsyncSession,
    *,
    decline_rate: float,
    processing_delay_ms: int,
    updated_by: uuid.UUID,
) -> ProcessorConfig:
    values = {
        "decline_rate": decline_rate,
        "processing_delay_ms": processing_delay_ms,
        "updated_by": updated_by,
    }
    statement = (
        insert(ProcessorConfig)
        .values(id=PROCESSOR_CONFIG_ID, **values)
        .on_conflict_do_update(
            index_elements=[ProcessorConfig.id], set_={**values, "updated_at": func.now()}
        )
        .returning(ProcessorConfig)
        .execution_options(populate_existing=True)
    )
    config: ProcessorConfig = (await session.scalars(statement)).one()
    return config


async def delete_processor_config(session: AsyncSession) -> None:
    await session.execute(delete(ProcessorConfig).where(ProcessorConfig.id == PROCESSOR_CONFIG_ID))
