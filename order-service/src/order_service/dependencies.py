"""Request dependencies: the unit of work, the caller, the cart client, checkout headers."""

import uuid
from typing import Annotated

from fastapi import Depends, Header, Request
from service_kit.app import KitState
from service_kit.auth import CurrentUser, RequireAdmin
from service_kit.db import ReadSessionDep, SessionDep

from order_service.cart_client import CartReader
from order_service.models import Order
from order_service.service import orders

CART_CLIENT = "cart_client"


def cart_client(request: Request) -> CartReader:
    kit: KitState = request.app.state.kit
    client: CartReader = kit.extra[CART_CLIENT]
    return client


def forwarded_authorization(principal: CurrentUser, request: Request) -> str:
    """The caller's own Authorization header (already verified), to call the cart with."""
    return request.headers["authorization"]


async def visible_order(order_id: uuid.UUID, principal: CurrentUser, session: SessionDep) -> Order:
    """The order at the path, if the caller may see it; 404 otherwise."""
    return await orders.get_order(session, order_id, principal)


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
VisibleOrder = Annotated[Order, Depends(visible_order)]

__all__ = [
    "CartDep",
    "CurrentUser",
    "ForwardedAuthorization",
    "IdempotencyKeyHeader",
    "ReadSessionDep",
    "RequireAdmin",
    "SessionDep",
    "VisibleOrder",
]
