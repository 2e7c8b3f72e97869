"""The product service's errors, and the error responses its OpenAPI declares."""

from functools import partial

from service_kit.errors import NotFound
from service_kit.errors import error_responses as kit_error_responses


class ProductNotFound(NotFound):
    code = "product_not_found"
    message = "There is no such product."


_DESCRIPTIONS = {
    403: "Authenticated but not an admin",
    404: "No such product (or it was deleted)",
}

error_responses = partial(kit_error_responses, descriptions=_DESCRIPTIONS)
