"""HTTP routes, at the gateway's paths: parse, call the service, shape the answer."""

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Response
from shop_contracts import OrderStatus

from order_service.config import OrderSettings
from order_service.dependencies import (
    CartDep,
    ConnectionDep,
    CurrentUser,
    ForwardedAuthorization,
    IdempotencyKeyHeader,
    RequireAdmin,
    TxDep,
    VisibleOrder,
)
from order_service.errors import error_responses
from order_service.schemas import CheckoutRequest, OrderOut, OrderPage
from order_service.service import checkout, lifecycle, orders


def create_router(settings: OrderSettings) -> APIRouter:
    router = APIRouter(prefix="/api/orders", tags=["orders"])

    @router.post(
        "",
        status_code=201,
        summary="Check out the caller's cart: a PENDING order (once per Idempotency-Key)",
        responses={
            200: {"model": OrderOut, "description": "The order this Idempotency-Key placed"},
            **error_responses(400, 401, 409, 422, 502, 503, 504),
        },
    )
    async def place_order(
        body: CheckoutRequest,
        idempotency_key: IdempotencyKeyHeader,
        principal: CurrentUser,
        authorization: ForwardedAuthorization,
        tx: TxDep,
        carts: CartDep,
        response: Response,
    ) -> OrderOut:
        placement = await checkout.place_order(
            tx,
            carts,
            user_id=principal.user_id,
            authorization=authorization,
            idempotency_key=idempotency_key,
            request=body,
            default_currency=settings.currency,
        )
        if not placement.created:
            response.status_code = 200
            response.headers["Idempotent-Replayed"] = "true"
        return OrderOut.of(placement.order)

    @router.get(
        "",
        summary="The caller's orders, newest first; with all=true, everyone's (admin)",
        responses=error_responses(401, 403, 422),
    )
    async def list_orders(
        principal: CurrentUser,
        conn: ConnectionDep,
        everyone: Annotated[
            bool, Query(alias="all", description="Everyone's orders (admin only)")
        ] = False,
        status: Annotated[OrderStatus | None, Query()] = None,
        limit: Annotated[int, Query(ge=1, le=100)] = 20,
        offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
    ) -> OrderPage:
        found, total = await orders.list_orders(
            conn, principal, everyone=everyone, status=status, limit=limit, offset=offset
        )
        return OrderPage(
            items=[OrderOut.of(order) for order in found], total=total, limit=limit, offset=offset
        )

    @router.get(
        "/{order_id}",
        summary="One order: the caller's own, or any for an admin",
        responses=error_responses(401, 404, 422),
    )
    async def get_order(order: VisibleOrder) -> OrderOut:
        return OrderOut.of(order)

    @router.post(
        "/{order_id}/ship",
        summary="Mark a PAID order SHIPPED (admin)",
        responses=error_responses(401, 403, 404, 409, 422),
    )
    async def ship_order(order_id: UUID, _: RequireAdmin, tx: TxDep) -> OrderOut:
        return OrderOut.of(await lifecycle.ship(tx, order_id))

    @router.post(
        "/{order_id}/cancel",
        summary="Cancel a PENDING order (its owner, or an admin)",
        responses=error_responses(401, 404, 409, 422),
    )
    async def cancel_order(order_id: UUID, principal: CurrentUser, tx: TxDep) -> OrderOut:
        return OrderOut.of(await lifecycle.cancel(tx, order_id, principal))

    return router
