"""Use cases of the inventory service. Every change of stock writes its ledger rows (in the
repository's statement) and stages a stock.updated event in the caller's transaction; nothing
here commits."""

import uuid
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

import asyncpg
from service_kit.outbox import add_event
from service_kit.pg import Tx
from shop_contracts.events import StockInsufficient, StockShortage, StockUpdated

from inventory_service import repository
from inventory_service.errors import InsufficientStock, StockLimitExceeded, StockNotFound
from inventory_service.models import MAX_STOCK, DecrementOutcome, MovementReason
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


async def _announce(
    tx: Tx, change: StockChange, reason: MovementReason, *, order_id: uuid.UUID | None = None
) -> None:
    await add_event(
        tx,
        StockUpdated(
            product_id=change.product_id,
            stock=change.stock,
            delta=change.delta,
            reason=reason.event_reason,
            order_id=order_id,
        ),
    )


# Catalog events


async def create_stock(tx: Tx, product_id: uuid.UUID, initial_stock: int) -> None:
    """A new product: its record starts at its initial stock (once; a replay does nothing)."""
    change = await repository.insert_stock_item(
        tx.conn, product_id, initial_stock, note="initial stock"
    )
    if change is not None:
        await _announce(tx, change, MovementReason.INITIAL)


async def remove_stock(tx: Tx, product_id: uuid.UUID) -> None:
    await repository.mark_removed(tx.conn, product_id)


# Reads


async def get_stock(conn: asyncpg.Connection, product_id: uuid.UUID) -> StockLevel:
    level = await repository.get_level(conn, product_id)
    if level is None:
        raise StockNotFound()
    return level


async def list_stock(
    conn: asyncpg.Connection, *, low_stock_below: int | None, limit: int, offset: int
) -> tuple[list[StockLevel], int]:
    return await repository.list_levels(
        conn, low_stock_below=low_stock_below, limit=limit, offset=offset
    )


async def list_movements(
    conn: asyncpg.Connection, product_id: uuid.UUID, *, limit: int, offset: int
) -> tuple[Sequence[asyncpg.Record], int]:
    await get_stock(conn, product_id)
    return await repository.list_movements(conn, product_id, limit=limit, offset=offset)


# Admin changes


async def set_stock(
    tx: Tx,
    product_id: uuid.UUID,
    stock: int,
    *,
    actor_id: uuid.UUID,
    note: str | None = None,
) -> StockLevel:
    result = await repository.set_stock(tx.conn, product_id, stock, actor_id=actor_id, note=note)
    if result is None:
        raise StockNotFound()
    assert result.level is not None
    delta = result.level.stock - result.previous
    if delta != 0:
        await _announce(tx, StockChange(product_id, stock, delta), MovementReason.ADMIN)
    return result.level


async def adjust_stock(
    tx: Tx,
    product_id: uuid.UUID,
    delta: int,
    *,
    reason: MovementReason,
    actor_id: uuid.UUID,
    note: str | None = None,
) -> StockLevel:
    result = await repository.adjust(
        tx.conn, product_id, delta, reason=reason, actor_id=actor_id, note=note
    )
    if result is None:
        raise StockNotFound()
    if result.level is None:
        if result.previous + delta < 0:
            raise InsufficientStock.of(product_id, requested=-delta, available=result.previous)
        raise StockLimitExceeded.of(product_id, stock=result.previous, maximum=MAX_STOCK)
    await _announce(tx, StockChange(product_id, result.level.stock, delta), reason)
    return result.level


# Orders


def _quantities(items: Iterable[OrderQuantity]) -> dict[uuid.UUID, int]:
    wanted: Counter[uuid.UUID] = Counter()
    for item in items:
        wanted[item.product_id] += item.quantity
    return dict(wanted)


async def decrement_for_order(
    tx: Tx, order_id: uuid.UUID, items: Iterable[OrderQuantity]
) -> OrderDecrementResult:
    """Take a paid order's items out of stock: all of them, or none (one statement, see the
    repository); a product without a live record counts as out of stock. The decision is
    recorded per order, so a second call for the same order (a replayed or duplicated event)
    changes nothing and answers with the first decision. A stock.updated per product taken."""
    decision = await repository.decrement_for_order(tx.conn, order_id, _quantities(items))
    for change in decision.changes:
        await _announce(tx, change, MovementReason.ORDER, order_id=order_id)
    return OrderDecrementResult(
        applied=decision.outcome is DecrementOutcome.APPLIED,
        shortages=tuple(StockShortage.model_validate(s) for s in decision.shortages),
        repeated=decision.repeated,
    )


async def fulfil_paid_order(
    tx: Tx, order_id: uuid.UUID, items: Iterable[OrderQuantity]
) -> OrderDecrementResult:
    """payment.success: decrement the order's stock, or say which items are short so the
    payment is refunded (stock.insufficient, once per order)."""
    result = await decrement_for_order(tx, order_id, items)
    if result.shortages and not result.repeated:
        await add_event(tx, StockInsufficient(order_id=order_id, items=list(result.shortages)))
    return result


async def return_refunded_order(tx: Tx, order_id: uuid.UUID) -> None:
    """payment.refunded: an order's charge was given back, so it must hold no stock.

    Refunded before its payment.success reached us: record the order as cancelled, so that
    event changes nothing when it comes. Decremented already: put its items back (ledger rows
    with the order's id) once; a product that has left the catalog since gets nothing back.
    Refused for lack of stock, or handled before: nothing to do."""
    for change in await repository.return_order(tx.conn, order_id) or ():
        await _announce(tx, change, MovementReason.ORDER_RETURN, order_id=order_id)
