"""The payment service's errors, and the error responses its OpenAPI declares."""

from typing import Any

from service_kit.errors import AppError, NotFound
from shop_contracts import ErrorResponse


class InvalidCard(AppError):
    """The card details cannot be tokenised. The details name the fields, never their values."""

    status_code = 422
    code = "invalid_card"
    message = "The card details are not valid."


class PaymentNotFound(NotFound):
    code = "payment_not_found"
    message = "There is no such payment."


_DESCRIPTIONS = {
    400: "The body could not be read as JSON",
    401: "Not authenticated",
    403: "Authenticated but not allowed",
    404: "Not found (also another user's payment)",
    422: "Invalid input; `details` names the fields",
}
_HEADERS = {401: {"WWW-Authenticate": {"schema": {"type": "string"}}}}


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` for the error bodies a route can answer with."""
    return {
        status: {
            "model": ErrorResponse,
            "description": _DESCRIPTIONS[status],
            **({"headers": _HEADERS[status]} if status in _HEADERS else {}),
        }
        for status in sorted(set(statuses))
    }
