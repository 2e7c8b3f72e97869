"""Reading orders: a customer sees their own, an admin anyone's."""

import uuid

import asyncpg
from service_kit.auth import Principal
from service_kit.errors import Forbidden
from shop_contracts import OrderStatus

from order_service import repository
from order_service.errors import OrderNotFound
from order_service.repository import OrderDetail


def can_see(principal: Principal, order: OrderDetail) -> bool:
    return principal.is_admin or order.user_id == principal.user_id


async def get_order(
    conn: asyncpg.Connection, order_id: uuid.UUID, principal: Principal
) -> OrderDetail:
    """Someone else's order is answered like a missing one, so ids reveal nothing."""
    order = await repository.get_order(conn, order_id)
    if order is None or not can_see(principal, order):
        raise OrderNotFound()
    return order


async def list_orders(
    conn: asyncpg.Connection,
    principal: Principal,
    *,
    everyone: bool,
    status: OrderStatus | None,
    limit: int,
    offset: int,
) -> tuple[list[OrderDetail], int]:
    if everyone and not principal.is_admin:
        raise Forbidden("Only admins can list everyone's orders.")
    return await repository.list_orders(
        conn,
        user_id=None if everyone else principal.user_id,
        status=status,
        limit=limit,
        offset=offset,
    )
