"""The product service's errors, and the error responses its OpenAPI declares."""

from functools import partial

from service_kit.errors import NotFound, ServiceUnavailable
from service_kit.errors import error_responses as kit_error_responses


class ProductNotFound(NotFound):
    code = "product_not_found"
    message = "There is no such product."


class SearchStarting(ServiceUnavailable):
    code = "search_starting"
    message = "The catalog search is starting; try again in a few seconds."

    def __init__(self) -> None:
        super().__init__(headers={"Retry-After": "2"})


_DESCRIPTIONS = {
    403: "Authenticated but not an admin",
    404: "No such product (or it was deleted)",
    503: "This replica's search index is still being built",
}

error_responses = partial(kit_error_responses, descriptions=_DESCRIPTIONS)
