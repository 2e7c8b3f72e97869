"""Request dependencies: the transaction or connection, the caller, the cart client, checkout
headers."""

import uuid
from typing import Annotated

from fastapi import Depends, Header, Request
from service_kit.app import KitState
from service_kit.auth import CurrentUser, RequireAdmin
from service_kit.pg import ConnectionDep, TxDep

from order_service.cart_client import CartReader
from order_service.repository import OrderDetail
from order_service.service import orders

CART_CLIENT = "cart_client"


# Dependencies that do no I/O are `async def` all the same: FastAPI would run a plain `def` in
# its thread pool, a thread hop each.
async def cart_client(request: Request) -> CartReader:
    kit: KitState = request.app.state.kit
    client: CartReader = kit.extra[CART_CLIENT]
    return client


async def forwarded_authorization(principal: CurrentUser, request: Request) -> str:
    """The caller's own Authorization header (already verified), to call the cart with."""
    return request.headers["authorization"]


async def visible_order(
    order_id: uuid.UUID, principal: CurrentUser, conn: ConnectionDep
) -> OrderDetail:
    """The order at the path, if the caller may see it; 404 otherwise."""
    return await orders.get_order(conn, order_id, principal)


IdempotencyKeyHeader = Annotated[
    str,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=255,
        pattern=r"^[\x21-\x7e]+$",
        description="A client-chosen key (e.g. a UUID) for this checkout: retrying with the "
        "same key and body returns the same order; another body with it is a 409",
    ),
]
CartDep = Annotated[CartReader, Depends(cart_client)]
ForwardedAuthorization = Annotated[str, Depends(forwarded_authorization)]
VisibleOrder = Annotated[OrderDetail, Depends(visible_order)]

__all__ = [
    "CartDep",
    "ConnectionDep",
    "CurrentUser",
    "ForwardedAuthorization",
    "IdempotencyKeyHeader",
    "RequireAdmin",
    "TxDep",
    "VisibleOrder",
]
