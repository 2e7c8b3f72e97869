"""The cart service's errors, and the error responses its OpenAPI declares."""

import uuid
from functools import partial

from service_kit.errors import Conflict, NotFound
from service_kit.errors import error_responses as kit_error_responses


class ProductNotFound(NotFound):
    code = "product_not_found"
    message = "There is no such product."


class ProductUnavailable(NotFound):
    code = "product_not_found"
    message = "This product is no longer sold."


class CartItemNotFound(NotFound):
    code = "cart_item_not_found"
    message = "This product is not in the cart."


class InsufficientStock(Conflict):
    code = "insufficient_stock"
    message = "Not enough stock."

    @classmethod
    def of(cls, product_id: uuid.UUID, *, quantity: int, available: int) -> "InsufficientStock":
        return cls(
            f"Only {available} in stock; the cart would hold {quantity}.",
            details=[
                {
                    "field": "quantity",
                    "message": f"At most {available} can be in the cart.",
                    "type": "insufficient_stock",
                    "product_id": str(product_id),
                    "quantity": quantity,
                    "available": available,
                }
            ],
        )


class QuantityLimitExceeded(Conflict):
    code = "quantity_limit_exceeded"
    message = "Too many of one product in the cart."

    @classmethod
    def of(cls, product_id: uuid.UUID, *, quantity: int, maximum: int) -> "QuantityLimitExceeded":
        return cls(
            f"At most {maximum} of one product fit in a cart; it would hold {quantity}.",
            details=[
                {
                    "field": "quantity",
                    "message": f"At most {maximum} of one product.",
                    "type": "quantity_limit_exceeded",
                    "product_id": str(product_id),
                    "quantity": quantity,
                    "maximum": maximum,
                }
            ],
        )


class TooManyCartLines(Conflict):
    code = "too_many_cart_lines"

    def __init__(self, maximum: int) -> None:
        super().__init__(
            f"A cart holds at most {maximum} different products; remove one to add another.",
            details=[
                {
                    "field": "product_id",
                    "message": f"At most {maximum} different products.",
                    "type": "too_many_cart_lines",
                    "maximum": maximum,
                }
            ],
        )


_DESCRIPTIONS = {
    400: "The body could not be read (not JSON, or not UTF-8)",
    401: "Not authenticated",
    404: "No such product, or not in the cart",
    409: "More than the available stock, more than a cart line may hold, or more different "
    "products than a cart may hold (`too_many_cart_lines`)",
    422: "Invalid input; `details` names the fields",
}

error_responses = partial(kit_error_responses, descriptions=_DESCRIPTIONS)
