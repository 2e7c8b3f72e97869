"""Reading orders: a customer sees their own, an admin anyone's."""

import uuid
from collections.abc import Sequence

from service_kit.auth import Principal
from service_kit.errors import Forbidden
from shop_contracts import OrderStatus
from sqlalchemy.ext.asyncio import AsyncSession

from order_service import repository
from order_service.errors import OrderNotFound
from order_service.models import Order


def can_see(principal: Principal, order: Order) -> bool:
    return principal.is_admin or order.user_id == principal.user_id


async def get_order(session: AsyncSession, order_id: uuid.UUID, principal: Principal) -> Order:
    """Someone else's order is answered like a missing one, so ids reveal nothing."""
    order = await repository.get_order(session, order_id)
    if order is None or not can_see(principal, order):
        raise OrderNotFound()
    return order


async def list_orders(
    session: AsyncSession,
    principal: Principal,
    *,
    everyone: bool,
    status: OrderStatus | None,
    limit: int,
    offset: int,
) -> tuple[Sequence[Order], int]:
    if everyone and not principal.is_admin:
        raise Forbidden("Only admins can list everyone's orders.")
    return await repository.list_orders(
        session,
        user_id=None if everyone else principal.user_id,
        status=status,
        limit=limit,
        offset=offset,
    )
