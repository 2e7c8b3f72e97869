"""The gateway's own errors, in the error format of every service (service_kit.errors)."""

from service_kit.errors import AppError, NotFound, ServiceUnavailable


class RouteNotFound(NotFound):
    message = "There is no such API route."


class PayloadTooLarge(AppError):
    status_code = 413
    code = "payload_too_large"

    def __init__(self, limit: int) -> None:
        super().__init__(f"The request body is larger than {limit} bytes.")


class UpstreamUnavailable(ServiceUnavailable):
    def __init__(self, service: str) -> None:
        super().__init__(f"The {service} service is unavailable; try again shortly.")


class UpstreamTimeout(AppError):
    status_code = 504
    code = "gateway_timeout"

    def __init__(self, service: str) -> None:
        super().__init__(f"The {service} service did not answer in time.")


class BadGateway(AppError):
    status_code = 502
    code = "bad_gateway"

    def __init__(self, service: str) -> None:
        super().__init__(f"The {service} service gave no valid answer.")


class UnknownService(NotFound):
    def __init__(self, service: str) -> None:
        super().__init__(f"There is no service named {service!r}.")
