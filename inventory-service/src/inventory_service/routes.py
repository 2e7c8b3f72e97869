"""HTTP routes, at the gateway's paths: parse, call the service, shape the answer."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from inventory_service import service
from inventory_service.dependencies import ConnectionDep, RequireAdmin, TxDep
from inventory_service.errors import error_responses
from inventory_service.models import MAX_STOCK
from inventory_service.schemas import (
    MovementOut,
    MovementPage,
    StockAdjustment,
    StockPage,
    StockRecord,
    StockSet,
)

router = APIRouter(prefix="/api/inventory", tags=["inventory"])

Limit = Annotated[int, Query(ge=1, le=100)]
Offset = Annotated[int, Query(ge=0, le=1_000_000)]


@router.get(
    "", summary="Stock levels, lowest first (admin)", responses=error_responses(401, 403, 422)
)
async def list_stock(
    _: RequireAdmin,
    conn: ConnectionDep,
    low_stock_below: Annotated[
        int | None, Query(ge=0, le=MAX_STOCK, description="Only records with less stock")
    ] = None,
    limit: Limit = 20,
    offset: Offset = 0,
) -> StockPage:
    levels, total = await service.list_stock(
        conn, low_stock_below=low_stock_below, limit=limit, offset=offset
    )
    return StockPage(
        items=[StockRecord.of(level) for level in levels], total=total, limit=limit, offset=offset
    )


@router.get("/{product_id}", summary="A product's stock", responses=error_responses(404, 422))
async def get_stock(product_id: uuid.UUID, conn: ConnectionDep) -> StockRecord:
    return StockRecord.of(await service.get_stock(conn, product_id))


@router.put(
    "/{product_id}",
    summary="Set a product's stock (admin)",
    responses=error_responses(400, 401, 403, 404, 422),
)
async def set_stock(
    product_id: uuid.UUID, body: StockSet, admin: RequireAdmin, tx: TxDep
) -> StockRecord:
    level = await service.set_stock(
        tx, product_id, body.stock, actor_id=admin.user_id, note=body.note
    )
    return StockRecord.of(level)


@router.post(
    "/{product_id}/adjust",
    summary="Add to or take from a product's stock (admin); never below zero",
    responses=error_responses(400, 401, 403, 404, 409, 422),
)
async def adjust_stock(
    product_id: uuid.UUID, body: StockAdjustment, admin: RequireAdmin, tx: TxDep
) -> StockRecord:
    level = await service.adjust_stock(
        tx,
        product_id,
        body.delta,
        reason=body.movement_reason,
        actor_id=admin.user_id,
        note=body.note,
    )
    return StockRecord.of(level)


@router.get(
    "/{product_id}/movements",
    summary="A product's stock ledger, newest first (admin)",
    responses=error_responses(401, 403, 404, 422),
)
async def list_movements(
    product_id: uuid.UUID,
    _: RequireAdmin,
    conn: ConnectionDep,
    limit: Limit = 50,
    offset: Offset = 0,
) -> MovementPage:
    movements, total = await service.list_movements(conn, product_id, limit=limit, offset=offset)
    return MovementPage(
        items=[MovementOut.of(m) for m in movements], total=total, limit=limit, offset=offset
    )
