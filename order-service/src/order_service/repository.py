"""Every query of the order service."""

import uuid
from collections.abc import Sequence

from shop_contracts import OrderStatus
from sqlalchemy import func, inspect, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import raiseload

from order_service.models import IdempotencyKey, Order, OrderStatusChange


async def find_idempotency_key(
    session: AsyncSession, user_id: uuid.UUID, key: str
) -> IdempotencyKey | None:
    return await session.get(IdempotencyKey, (user_id, key), populate_existing=True)


async def claim_idempotency_key(
    session: AsyncSession, user_id: uuid.UUID, key: str, request_hash: str, order_id: uuid.UUID
) -> bool:
    """Claim the key for a new order. False if it is taken; a concurrent request holding an
    uncommitted claim makes this wait until that request commits (taken) or rolls back."""
    claimed = await session.execute(
        insert(IdempotencyKey)
        .values(user_id=user_id, key=key, request_hash=request_hash, order_id=order_id)
        .on_conflict_do_nothing(index_elements=["user_id", "key"])
        .returning(IdempotencyKey.order_id)
    )
    return claimed.first() is not None


async def add_order(session: AsyncSession, order: Order) -> None:
    session.add(order)
    await session.flush()


async def get_order(session: AsyncSession, order_id: uuid.UUID) -> Order | None:
    return await session.get(Order, order_id)


async def lock_order(
    session: AsyncSession, order_id: uuid.UUID, *, with_lines: bool = True
) -> Order | None:
    """The order, locked until the transaction ends: its transitions happen one at a time.

    `with_lines=False` skips loading its items and history (two queries) for a caller that
    reads neither, such as an event moving the status (see `add_status_change`)."""
    statement = (
        select(Order)
        .where(Order.id == order_id)
        .with_for_update(of=Order)
        .execution_options(populate_existing=True)
    )
    if not with_lines:
        statement = statement.options(raiseload(Order.items), raiseload(Order.history))
    result = await session.execute(statement)
    return result.scalar_one_or_none()


def add_status_change(session: AsyncSession, order: Order, change: OrderStatusChange) -> None:
    """Record a status change: in the order's history when it is loaded (the caller answers
    with it), else straight into the session."""
    if "history" in inspect(order).unloaded:
        change.order_id = order.id
        session.add(change)
    else:
        order.history.append(change)


async def list_orders(
    session: AsyncSession,
    *,
    user_id: uuid.UUID | None,
    status: OrderStatus | None,
    limit: int,
    offset: int,
) -> tuple[Sequence[Order], int]:
    """Newest first; everyone's when `user_id` is None."""
    conditions = []
    if user_id is not None:
        conditions.append(Order.user_id == user_id)
    if status is not None:
        conditions.append(Order.status == status)
    total = await session.scalar(select(func.count()).select_from(Order).where(*conditions))
    result = await session.execute(
        select(Order)
        .where(*conditions)
        .order_by(Order.created_at.desc(), Order.id.desc())
        .limit(limit)
        .offset(offset)
    )
    return result.scalars().all(), total or 0
