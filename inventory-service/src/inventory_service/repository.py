"""Every query of the inventory service.

Stock only changes through single guarded statements (`stock + delta` checked in the UPDATE
itself), so concurrent changes can never take it below zero whatever the callers do.
"""

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, func, literal_column, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from inventory_service.models import (
    MAX_STOCK,
    DecrementOutcome,
    MovementReason,
    OrderDecrement,
    StockItem,
    StockMovement,
)


@dataclass(frozen=True, slots=True)
class StockLevel:
    product_id: uuid.UUID
    stock: int
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class StockChange:
    """The outcome of one change: the level after it and the previous stock."""

    level: StockLevel
    previous: int

    @property
    def delta(self) -> int:
        return self.level.stock - self.previous


_LEVEL = (StockItem.product_id, StockItem.stock, StockItem.updated_at)
_LIVE = StockItem.removed_at.is_(None)


def _level(row: Any) -> StockLevel:
    return StockLevel(product_id=row.product_id, stock=row.stock, updated_at=row.updated_at)


async def insert_stock_item(
    session: AsyncSession, product_id: uuid.UUID, stock: int
) -> StockLevel | None:
    """Create the record; None if the product already has one (or had, and was removed)."""
    row = (
        await session.execute(
            insert(StockItem)
            .values(product_id=product_id, stock=stock)
            .on_conflict_do_nothing(index_elements=[StockItem.product_id])
            .returning(*_LEVEL)
        )
    ).first()
    return _level(row) if row is not None else None


async def mark_removed(session: AsyncSession, product_id: uuid.UUID) -> None:
    """Mark the record removed; a product deleted before it was ever seen gets a tombstone,
    so its late product.created does not bring it back."""
    await session.execute(
        insert(StockItem)
        .values(product_id=product_id, stock=0, removed_at=func.now())
        .on_conflict_do_update(
            index_elements=[StockItem.product_id],
            set_={"removed_at": func.coalesce(StockItem.removed_at, func.now())},
        )
    )


async def get_level(session: AsyncSession, product_id: uuid.UUID) -> StockLevel | None:
    row = (
        await session.execute(select(*_LEVEL).where(StockItem.product_id == product_id, _LIVE))
    ).first()
    return _level(row) if row is not None else None


async def apply_delta(
    session: AsyncSession, product_id: uuid.UUID, delta: int
) -> StockChange | None:
    """Add `delta` in one statement that refuses to leave [0, MAX_STOCK]; None if refused or
    if there is no live record (the caller tells which by reading the level)."""
    new_stock = StockItem.stock + delta
    row = (
        await session.execute(
            update(StockItem)
            .where(StockItem.product_id == product_id, _LIVE)
            .where(new_stock >= 0, new_stock <= MAX_STOCK)
            .values(stock=new_stock, updated_at=func.now())
            .returning(*_LEVEL)
        )
    ).first()
    return StockChange(_level(row), row.stock - delta) if row is not None else None


async def set_stock(session: AsyncSession, product_id: uuid.UUID, stock: int) -> StockChange | None:
    """Set an absolute level; reads the previous one under the row lock in the same statement."""
    previous = (
        select(StockItem.product_id, StockItem.stock)
        .where(StockItem.product_id == product_id, _LIVE)
        .with_for_update()
        .subquery("previous")
    )
    row = (
        await session.execute(
            update(StockItem)
            .where(StockItem.product_id == previous.c.product_id)
            .values(stock=stock, updated_at=func.now())
            .returning(*_LEVEL, previous.c.stock.label("previous"))
        )
    ).first()
    return StockChange(_level(row), row.previous) if row is not None else None


async def lock_levels(
    session: AsyncSession, product_ids: Iterable[uuid.UUID]
) -> dict[uuid.UUID, StockLevel]:
    """Lock the live records of these products, in product-id order (the order every
    multi-product change takes its locks in, so two of them never deadlock)."""
    rows = await session.execute(
        select(*_LEVEL)
        .where(StockItem.product_id.in_(sorted(set(product_ids))), _LIVE)
        .order_by(StockItem.product_id)
        .with_for_update()
    )
    return {row.product_id: _level(row) for row in rows}


async def add_movement(
    session: AsyncSession,
    *,
    product_id: uuid.UUID,
    delta: int,
    stock_after: int,
    reason: MovementReason,
    order_id: uuid.UUID | None = None,
    actor_id: uuid.UUID | None = None,
    note: str | None = None,
) -> None:
    await session.execute(
        insert(StockMovement).values(
            product_id=product_id,
            delta=delta,
            stock_after=stock_after,
            reason=reason,
            order_id=order_id,
            actor_id=actor_id,
            note=note,
        )
    )


async def list_levels(
    session: AsyncSession, *, low_stock_below: int | None, limit: int, offset: int
) -> tuple[list[StockLevel], int]:
    """Live records, lowest stock first."""
    condition: list[ColumnElement[bool]] = [_LIVE]
    if low_stock_below is not None:
        condition.append(StockItem.stock < low_stock_below)
    total = await session.scalar(select(func.count()).select_from(StockItem).where(*condition))
    rows = await session.execute(
        select(*_LEVEL)
        .where(*condition)
        .order_by(StockItem.stock, StockItem.product_id)
        .limit(limit)
        .offset(offset)
    )
    return [_level(row) for row in rows], total or 0


async def list_movements(
    session: AsyncSession, product_id: uuid.UUID, *, limit: int, offset: int
) -> tuple[Sequence[StockMovement], int]:
    """A product's ledger, newest first."""
    condition = StockMovement.product_id == product_id
    total = await session.scalar(select(func.count()).select_from(StockMovement).where(condition))
    rows = await session.scalars(
        select(StockMovement)
        .where(condition)
        .order_by(StockMovement.id.desc())
        .limit(limit)
        .offset(offset)
    )
    return rows.all(), total or 0


async def record_decision(
    session: AsyncSession,
    order_id: uuid.UUID,
    outcome: DecrementOutcome,
    shortages: list[dict[str, Any]],
) -> bool:
    """Record what was decided for an order; False if it had been decided already (then
    nothing else may change for it)."""
    inserted = await session.scalar(
        insert(OrderDecrement)
        .values(order_id=order_id, outcome=outcome, shortages=shortages)
        .on_conflict_do_nothing(index_elements=[OrderDecrement.order_id])
        .returning(literal_column("1"))
    )
    return inserted is not None


async def get_decision(session: AsyncSession, order_id: uuid.UUID) -> OrderDecrement | None:
    return await session.get(OrderDecrement, order_id)


async def lock_decision(session: AsyncSession, order_id: uuid.UUID) -> OrderDecrement | None:
    return await session.scalar(
        select(OrderDecrement).where(OrderDecrement.order_id == order_id).with_for_update()
    )


async def order_movements(session: AsyncSession, order_id: uuid.UUID) -> Sequence[StockMovement]:
    """The ledger rows an order's decrement wrote, in product-id order."""
    rows = await session.scalars(
        select(StockMovement)
        .where(StockMovement.order_id == order_id, StockMovement.reason == MovementReason.ORDER)
        .order_by(StockMovement.product_id)
    )
    return rows.all()
