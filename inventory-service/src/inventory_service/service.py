"""Use cases of the inventory service. Every change of stock writes a ledger row and stages a
stock.updated event in the caller's transaction; nothing here commits."""

import uuid
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from service_kit.outbox import add_event
from shop_contracts.events import StockInsufficient, StockShortage, StockUpdated
from sqlalchemy.ext.asyncio import AsyncSession

from inventory_service import repository
from inventory_service.errors import InsufficientStock, StockLimitExceeded, StockNotFound
from inventory_service.models import MAX_STOCK, DecrementOutcome, MovementReason, StockMovement
from inventory_service.repository import StockChange, StockLevel


class OrderQuantity(Protocol):
    """What a decrement needs of an order line (shop_contracts' OrderLine has it)."""

    @property
    def product_id(self) -> uuid.UUID: ...

    @property
    def quantity(self) -> int: ...


@dataclass(frozen=True, slots=True)
class OrderDecrementResult:
    applied: bool
    shortages: tuple[StockShortage, ...] = ()
    # True when the order had been decided before: this call changed nothing.
    repeated: bool = False


async def _record(
    session: AsyncSession,
    change: StockChange,
    reason: MovementReason,
    *,
    order_id: uuid.UUID | None = None,
    actor_id: uuid.UUID | None = None,
    note: str | None = None,
) -> None:
    level = change.level
    await repository.add_movement(
        session,
        product_id=level.product_id,
        delta=change.delta,
        stock_after=level.stock,
        reason=reason,
        order_id=order_id,
        actor_id=actor_id,
        note=note,
    )
    await add_event(
        session,
        StockUpdated(
            product_id=level.product_id,
            stock=level.stock,
            delta=change.delta,
            reason=reason.event_reason,
            order_id=order_id,
        ),
    )


# Catalog events


async def create_stock(session: AsyncSession, product_id: uuid.UUID, initial_stock: int) -> None:
    """A new product: its record starts at its initial stock (once; a replay does nothing)."""
    level = await repository.insert_stock_item(session, product_id, initial_stock)
    if level is not None:
        await _record(
            session, StockChange(level, previous=0), MovementReason.INITIAL, note="initial stock"
        )


async def remove_stock(session: AsyncSession, product_id: uuid.UUID) -> None:
    await repository.mark_removed(session, product_id)


# Reads


async def get_stock(session: AsyncSession, product_id: uuid.UUID) -> StockLevel:
    level = await repository.get_level(session, product_id)
    if level is None:
        raise StockNotFound()
    return level


async def list_stock(
    session: AsyncSession, *, low_stock_below: int | None, limit: int, offset: int
) -> tuple[list[StockLevel], int]:
    return await repository.list_levels(
        session, low_stock_below=low_stock_below, limit=limit, offset=offset
    )


async def list_movements(
    session: AsyncSession, product_id: uuid.UUID, *, limit: int, offset: int
) -> tuple[Sequence[StockMovement], int]:
    await get_stock(session, product_id)
    return await repository.list_movements(session, product_id, limit=limit, offset=offset)


# Admin changes


async def set_stock(
    session: AsyncSession,
    product_id: uuid.UUID,
    stock: int,
    *,
    actor_id: uuid.UUID,
    note: str | None = None,
) -> StockLevel:
    change = await repository.set_stock(session, product_id, stock)
    if change is None:
        raise StockNotFound()
    if change.delta != 0:
        await _record(session, change, MovementReason.ADMIN, actor_id=actor_id, note=note)
    return change.level


async def adjust_stock(
    session: AsyncSession,
    product_id: uuid.UUID,
    delta: int,
    *,
    reason: MovementReason,
    actor_id: uuid.UUID,
    note: str | None = None,
) -> StockLevel:
    change = await repository.apply_delta(session, product_id, delta)
    if change is None:
        level = await get_stock(session, product_id)
        if level.stock + delta < 0:
            raise InsufficientStock.of(product_id, requested=-delta, available=level.stock)
        raise StockLimitExceeded.of(product_id, stock=level.stock, maximum=MAX_STOCK)
    await _record(session, change, reason, actor_id=actor_id, note=note)
    return change.level


# Orders


def _quantities(items: Iterable[OrderQuantity]) -> dict[uuid.UUID, int]:
    wanted: Counter[uuid.UUID] = Counter()
    for item in items:
        wanted[item.product_id] += item.quantity
    return dict(wanted)


async def decrement_for_order(
    session: AsyncSession, order_id: uuid.UUID, items: Iterable[OrderQuantity]
) -> OrderDecrementResult:
    """Take a paid order's items out of stock: all of them, or none.

    The records are locked in product-id order and all checked before any is changed; a
    product without a live record counts as out of stock. The decision is recorded per order,
    so a second call for the same order (a replayed or duplicated event) changes nothing and
    answers with the first decision.
    """
    wanted = _quantities(items)
    levels = await repository.lock_levels(session, wanted.keys())
    shortages = tuple(
        StockShortage(product_id=product_id, requested=quantity, available=stock)
        for product_id, quantity in sorted(wanted.items())
        if quantity > (stock := levels[product_id].stock if product_id in levels else 0)
    )
    outcome = DecrementOutcome.INSUFFICIENT if shortages else DecrementOutcome.APPLIED
    recorded = [s.model_dump(mode="json") for s in shortages]
    if not await repository.record_decision(session, order_id, outcome, recorded):
        return await _previous_decision(session, order_id)
    if shortages:
        return OrderDecrementResult(applied=False, shortages=shortages)
    for product_id, quantity in sorted(wanted.items()):
        change = await repository.apply_delta(session, product_id, -quantity)
        # The row is locked and was checked above, so the guarded update cannot refuse.
        assert change is not None
        await _record(session, change, MovementReason.ORDER, order_id=order_id)
    return OrderDecrementResult(applied=True)


async def _previous_decision(session: AsyncSession, order_id: uuid.UUID) -> OrderDecrementResult:
    decision = await repository.get_decision(session, order_id)
    assert decision is not None
    return OrderDecrementResult(
        applied=decision.outcome is DecrementOutcome.APPLIED,
        shortages=tuple(StockShortage.model_validate(s) for s in decision.shortages),
        repeated=True,
    )


async def fulfil_paid_order(
    session: AsyncSession, order_id: uuid.UUID, items: Iterable[OrderQuantity]
) -> OrderDecrementResult:
    """payment.success: decrement the order's stock, or say which items are short so the
    payment is refunded (stock.insufficient, once per order)."""
    result = await decrement_for_order(session, order_id, items)
    if result.shortages and not result.repeated:
        await add_event(session, StockInsufficient(order_id=order_id, items=list(result.shortages)))
    return result


async def return_refunded_order(session: AsyncSession, order_id: uuid.UUID) -> None:
    """payment.refunded: an order's charge was given back, so it must hold no stock.

    Refunded before its payment.success reached us: record the order as cancelled, so that
    event changes nothing when it comes. Decremented already: put its items back (ledger rows
    with the order's id) once. Refused for lack of stock, or handled before: nothing to do."""
    if await repository.record_decision(session, order_id, DecrementOutcome.CANCELLED, []):
        return
    decision = await repository.lock_decision(session, order_id)
    if decision is None or decision.outcome is not DecrementOutcome.APPLIED:
        return
    for taken in await repository.order_movements(session, order_id):
        change = await repository.apply_delta(session, taken.product_id, -taken.delta)
        if change is not None:  # None: the product has left the catalog since
            await _record(session, change, MovementReason.ORDER_RETURN, order_id=order_id)
    decision.outcome = DecrementOutcome.RETURNED
