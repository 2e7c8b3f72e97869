"""The analytics service's errors, and the error responses its OpenAPI declares."""

from functools import partial
from typing import Self

from service_kit.errors import AppError
from service_kit.errors import error_responses as kit_error_responses


class InvalidRange(AppError):
    """A time range the reports refuse: it ends before it starts, or it is too long."""

    status_code = 422
    code = "invalid_range"
    message = "The time range is not valid."

    @classmethod
    def of(cls, message: str, *, field: str = "from") -> Self:
        return cls(
            message,
            details=[{"field": field, "location": "query", "message": message, "type": cls.code}],
        )


class RangeTooLong(InvalidRange):
    code = "range_too_long"


_DESCRIPTIONS = {
    401: "Not authenticated",
    403: "Authenticated but not an admin",
    422: "Invalid input (a bad time, `from` not before `to`, a range over the cap); "
    "`details` names the field",
}

error_responses = partial(kit_error_responses, descriptions=_DESCRIPTIONS)
