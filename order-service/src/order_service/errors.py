"""The order service's errors, and the error responses its OpenAPI declares."""

from functools import partial

from service_kit.errors import AppError, Conflict, NotFound, ServiceUnavailable
from service_kit.errors import error_responses as kit_error_responses
from shop_contracts import OrderStatus


class OrderNotFound(NotFound):
    code = "order_not_found"
    message = "There is no such order."


class InvalidTransition(Conflict):
    code = "invalid_transition"

    def __init__(self, status: OrderStatus, action: str) -> None:
        super().__init__(f"The order is {status.value}; it cannot be {action}.")


class EmptyCart(Conflict):
    code = "empty_cart"
    message = "The cart is empty; add items before checking out."


class InsufficientStock(Conflict):
    code = "insufficient_stock"
    message = "Some items are not available in the quantity in the cart."


class CartAlreadyCheckedOut(Conflict):
    code = "cart_already_checked_out"
    message = (
        "This cart was already checked out: its order is among your orders. "
        "Change the cart to place another order."
    )


class PriceChanged(Conflict):
    code = "price_changed"

    def __init__(self, *, expected_total_cents: int, total_cents: int, currency: str) -> None:
        super().__init__(
            f"The cart's total is now {total_cents} (you expected {expected_total_cents}); "
            "review the cart and check out again.",
            details=[
                {
                    "field": "expected_total_cents",
                    "type": "price_changed",
                    "message": "The cart's total at today's prices differs.",
                    "expected_total_cents": expected_total_cents,
                    "total_cents": total_cents,
                    "currency": currency,
                }
            ],
        )


class IdempotencyKeyReused(Conflict):
    code = "idempotency_key_reused"
    message = "This Idempotency-Key was already used with a different request body."


class CartUnavailable(ServiceUnavailable):
    code = "cart_unavailable"
    message = "The cart service is unavailable; try again shortly."


class CartTimeout(AppError):
    status_code = 504
    code = "cart_timeout"
    message = "The cart service did not answer in time; try again shortly."


class CartBadResponse(AppError):
    status_code = 502
    code = "cart_bad_response"
    message = "The cart service gave an unusable answer; try again shortly."


_DESCRIPTIONS = {
    400: "The body could not be read (not JSON, or not UTF-8)",
    401: "Not authenticated",
    403: "Authenticated but not allowed",
    404: "Not found (also another customer's order)",
    409: "Conflicts with the order's state, the cart (`empty_cart`, `insufficient_stock`, "
    "`cart_already_checked_out`, `price_changed` with the new `total_cents` in its details), "
    "or an earlier use of the Idempotency-Key",
    422: "Invalid input; `details` names the fields",
    502: "The cart service answered with something unusable",
    503: "The cart service is unavailable",
    504: "The cart service is too slow",
}

error_responses = partial(kit_error_responses, descriptions=_DESCRIPTIONS)
