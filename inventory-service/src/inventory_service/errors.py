"""The inventory service's errors, and the error responses its OpenAPI declares."""

import uuid
from functools import partial

from service_kit.errors import Conflict, NotFound
from service_kit.errors import error_responses as kit_error_responses


class StockNotFound(NotFound):
    code = "stock_not_found"
    message = "There is no stock record for this product."


class InsufficientStock(Conflict):
    code = "insufficient_stock"
    message = "Not enough stock."

    @classmethod
    def of(cls, product_id: uuid.UUID, *, requested: int, available: int) -> "InsufficientStock":
        return cls(
            f"Only {available} in stock; cannot take {requested}.",
            details=[
                {
                    "field": "delta",
                    "message": "Stock cannot go below zero.",
                    "type": "insufficient_stock",
                    "product_id": str(product_id),
                    "requested": requested,
                    "available": available,
                }
            ],
        )


class StockLimitExceeded(Conflict):
    code = "stock_limit_exceeded"
    message = "Stock cannot exceed the maximum."

    @classmethod
    def of(cls, product_id: uuid.UUID, *, stock: int, maximum: int) -> "StockLimitExceeded":
        return cls(
            f"Stock cannot exceed {maximum}.",
            details=[
                {
                    "field": "delta",
                    "message": f"Stock cannot exceed {maximum}.",
                    "type": "stock_limit_exceeded",
                    "product_id": str(product_id),
                    "available": stock,
                    "maximum": maximum,
                }
            ],
        )


_DESCRIPTIONS = {
    400: "The body could not be read (not JSON, or not UTF-8)",
    401: "Not authenticated",
    403: "Authenticated but not an admin",
    404: "No stock record for this product",
    409: "Stock would go below zero or above the maximum",
    422: "Invalid input; `details` names the fields",
}

error_responses = partial(kit_error_responses, descriptions=_DESCRIPTIONS)
