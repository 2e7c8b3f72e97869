"""The recommendation service's errors, and the error responses its OpenAPI declares."""

from functools import partial

from service_kit.errors import NotFound
from service_kit.errors import error_responses as kit_error_responses


class ProductNotFound(NotFound):
    code = "product_not_found"
    message = "There is no such product."


_DESCRIPTIONS = {
    400: "The body could not be read (not JSON, or not UTF-8)",
    401: "Not authenticated",
    403: "Not an admin",
    404: "No such product (or it was deleted)",
    422: "Invalid input; `details` names the fields",
}

error_responses = partial(kit_error_responses, descriptions=_DESCRIPTIONS)
