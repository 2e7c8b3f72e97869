"""The payment service's errors, and the error responses its OpenAPI declares."""

from functools import partial

from service_kit.errors import AppError, Conflict, NotFound
from service_kit.errors import error_responses as kit_error_responses


class InvalidCard(AppError):
    """The card details cannot be tokenised. The details name the fields, never their values."""

    status_code = 422
    code = "invalid_card"
    message = "The card details are not valid."


class TooManyPaymentMethods(Conflict):
    code = "too_many_payment_methods"

    def __init__(self, limit: int) -> None:
        super().__init__(f"You already have {limit} saved cards, the most allowed; pay with one.")


class PaymentNotFound(NotFound):
    code = "payment_not_found"
    message = "There is no such payment."


_DESCRIPTIONS = {
    400: "The body could not be read as JSON",
    401: "Not authenticated",
    403: "Authenticated but not allowed",
    404: "Not found (also another user's payment)",
    409: "Too many saved cards (`too_many_payment_methods`)",
    422: "Invalid input; `details` names the fields",
}

error_responses = partial(kit_error_responses, descriptions=_DESCRIPTIONS)
