"""HTTP routes: the caller's own cart at the gateway's paths, and the checkout view the order
service asks for under /internal (which the gateway does not route). Every route is for the
caller only: the cart is found by the token's user id, never by a parameter."""

import uuid

from fastapi import APIRouter, Response

from cart_service import service
from cart_service.dependencies import ConnectionDep, CurrentUser, TxDep
from cart_service.errors import error_responses
from cart_service.schemas import AddItem, CartOut, CheckoutCartOut, SetQuantity

router = APIRouter(prefix="/api/cart", tags=["cart"])
internal_router = APIRouter(prefix="/internal", tags=["internal"])


@router.get("", summary="The caller's cart, at today's prices", responses=error_responses(401))
async def get_cart(user: CurrentUser, conn: ConnectionDep) -> CartOut:
    return CartOut.of(await service.get_cart(conn, user.user_id))


@router.post(
    "/items",
    summary="Add a product (the quantity adds to what the cart holds)",
    responses=error_responses(400, 401, 404, 409, 422),
)
async def add_item(body: AddItem, user: CurrentUser, tx: TxDep) -> CartOut:
    view = await service.add_item(tx, user.user_id, body.product_id, body.quantity)
    return CartOut.of(view)


@router.put(
    "/items/{product_id}",
    summary="Set a product's quantity (0 removes it)",
    responses=error_responses(400, 401, 404, 409, 422),
)
async def set_item(
    product_id: uuid.UUID, body: SetQuantity, user: CurrentUser, tx: TxDep
) -> CartOut:
    view = await service.set_item(tx, user.user_id, product_id, body.quantity)
    return CartOut.of(view)


@router.delete(
    "/items/{product_id}",
    status_code=204,
    response_class=Response,
    summary="Remove a product from the cart",
    responses=error_responses(401, 404, 422),
)
async def remove_item(product_id: uuid.UUID, user: CurrentUser, tx: TxDep) -> Response:
    await service.remove_item(tx, user.user_id, product_id)
    return Response(status_code=204)


@router.delete(
    "",
    status_code=204,
    response_class=Response,
    summary="Empty the cart",
    responses=error_responses(401),
)
async def clear_cart(user: CurrentUser, tx: TxDep) -> Response:
    await service.clear_cart(tx, user.user_id)
    return Response(status_code=204)


@internal_router.get(
    "/cart",
    summary="The caller's cart ready for checkout (for the order service, with the "
    "customer's own token)",
    responses=error_responses(401),
)
async def checkout_cart(user: CurrentUser, conn: ConnectionDep) -> CheckoutCartOut:
    revision, view = await service.checkout_cart(conn, user.user_id)
    return CheckoutCartOut.of(user.user_id, revision, view)
