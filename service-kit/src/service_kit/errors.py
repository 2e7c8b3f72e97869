"""Errors as the API contract wants them: `{"error": {code, message, details?, request_id}}`.

Services raise AppError subclasses; the handlers here turn every exception into that body.
Validation errors are 422 and name the field; an unexpected exception is a 500 whose body
says nothing about the code, and whose traceback goes to the log only.
"""

import logging
from typing import Any

import asyncpg
import orjson
import sqlalchemy.exc
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.routing import iter_route_contexts
from shop_contracts import ErrorResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response
from starlette.routing import Match

from service_kit.context import request_id_var

log = logging.getLogger(__name__)


class AppError(Exception):
    status_code: int = 400
    code: str = "bad_request"
    message: str = "The request is not valid."

    def __init__(
        self,
        message: str | None = None,
        *,
        code: str | None = None,
        details: list[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.message = message or self.message
        self.code = code or self.code
        self.details = details
        self.headers = headers
        super().__init__(self.message)


class NotFound(AppError):
    status_code = 404
    code = "not_found"
    message = "Not found."


class Conflict(AppError):
    status_code = 409
    code = "conflict"
    message = "The request conflicts with the current state."


class Unauthorized(AppError):
    status_code = 401
    code = "not_authenticated"
    message = "Authentication is required."

    def __init__(self, message: str | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("headers", {"WWW-Authenticate": "Bearer"})
        super().__init__(message, **kwargs)


class Forbidden(AppError):
    status_code = 403
    code = "forbidden"
    message = "You are not allowed to do this."


class TooManyRequests(AppError):
    status_code = 429
    code = "rate_limited"
    message = "Too many requests; try again later."

    def __init__(self, retry_after: int, message: str | None = None) -> None:
        super().__init__(message, headers={"Retry-After": str(max(1, retry_after))})


class ServiceUnavailable(AppError):
    status_code = 503
    code = "service_unavailable"
    message = "A dependency is unavailable; try again shortly."


_STATUS_CODES = {
    400: "bad_request",
    401: "not_authenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "rate_limited",
    502: "bad_gateway",
    503: "service_unavailable",
    504: "gateway_timeout",
}


def error_response(
    status: int,
    code: str,
    message: str,
    *,
    details: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    body = ErrorResponse.build(
        code, message, details=details, request_id=request_id_var.get()
    ).model_dump(mode="json", exclude_none=True)
    return Response(
        orjson.dumps(body), status_code=status, headers=headers, media_type="application/json"
    )


def _field_name(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc]
    if parts and parts[0] in ("body", "query", "path", "header", "cookie"):
        return ".".join(parts[1:]) or parts[0]
    return ".".join(parts)


# A body of thousands of wrong keys makes thousands of validation errors: the answer names the
# first ones and counts the rest, so a 1 MB body cannot make a 10 MB answer.
MAX_VALIDATION_DETAILS = 20
MAX_FIELD_CHARS = 200
MAX_MESSAGE_CHARS = 500


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def validation_details(errors: Any) -> list[dict[str, Any]]:
    """The first MAX_VALIDATION_DETAILS errors, each field name and message clipped, then one
    `more_errors` detail with the count of the rest."""
    details: list[dict[str, Any]] = []
    total = 0
    for err in errors:
        total += 1
        if len(details) == MAX_VALIDATION_DETAILS:
            continue
        loc = tuple(err.get("loc", ()))
        details.append(
            {
                "field": _clip(_field_name(loc), MAX_FIELD_CHARS),
                "location": str(loc[0]) if loc else None,
                "message": _clip(str(err.get("msg", "invalid")), MAX_MESSAGE_CHARS),
                "type": err.get("type"),
            }
        )
    if total > len(details):
        rest = total - len(details)
        details.append(
            {
                "field": None,
                "message": f"{rest} more errors not shown.",
                "type": "more_errors",
                "count": rest,
            }
        )
    return details


async def _app_error(_: Request, exc: Exception) -> Response:
    assert isinstance(exc, AppError)
    return error_response(
        exc.status_code, exc.code, exc.message, details=exc.details, headers=exc.headers
    )


async def _validation_error(_: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    details = validation_details(exc.errors())
    fields = ", ".join(sorted({d["field"] for d in details if d["field"]}))
    more = " and more" if details and details[-1]["type"] == "more_errors" else ""
    message = _clip(f"Invalid input: {fields}{more}." if fields else "Invalid input.", 1000)
    return error_response(422, "validation_error", message, details=details)


def _allowed_methods(request: Request) -> str:
    """Every method the request's path supports. Starlette's 405 names only those of the first
    route that matches the path, so GET and PUT on one path would answer `Allow: GET`."""
    methods: set[str] = set()
    # FastAPI keeps included routers as nested groups; this walks the routes they resolve to.
    for route in iter_route_contexts(request.app.router.routes):
        match, _ = route.matches(request.scope)
        if match is not Match.NONE:
            methods |= route.methods or set()
    return ", ".join(sorted(methods))


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    code = _STATUS_CODES.get(exc.status_code, "error")
    message = exc.detail if isinstance(exc.detail, str) else code.replace("_", " ")
    headers = dict(exc.headers) if exc.headers else None
    if exc.status_code == 405 and headers is not None and "Allow" in headers:
        headers["Allow"] = _allowed_methods(request) or headers["Allow"]
    return error_response(exc.status_code, code, message, headers=headers)


def _is_unavailable(exc: BaseException) -> bool:
    """The database could not be reached or gave no connection in time: not the request's fault,
    and worth retrying, so 503 rather than 500."""
    if isinstance(exc, sqlalchemy.exc.TimeoutError | sqlalchemy.exc.InterfaceError):
        return True
    if isinstance(exc, sqlalchemy.exc.DBAPIError):
        if exc.connection_invalidated:
            return True
        orig = exc.orig
        cause = getattr(orig, "__cause__", None) or orig
        return isinstance(
            cause,
            OSError
            | TimeoutError
            | asyncpg.exceptions.TooManyConnectionsError
            | asyncpg.exceptions.CannotConnectNowError
            | asyncpg.exceptions.ConnectionDoesNotExistError,
        )
    return False


async def _unexpected(_: Request, exc: Exception) -> Response:
    if _is_unavailable(exc):
        log.warning("database unavailable", exc_info=exc)
        return error_response(
            503,
            "service_unavailable",
            "The service's database is unavailable; try again shortly.",
            headers={"Retry-After": "1"},
        )
    log.error("unhandled error", exc_info=exc)
    return error_response(500, "internal_error", "Something went wrong on our side.")


_RESPONSE_DESCRIPTIONS = {
    400: "The body could not be read (not JSON, or not UTF-8)",
    401: "Not authenticated, or the token is invalid",
    403: "Authenticated but not allowed",
    404: "Not found",
    409: "Conflicts with the current state",
    413: "The body is too large",
    422: "Invalid input; the details name each field",
    429: "Rate limited; retry after the given seconds",
    502: "An upstream service answered badly",
    503: "A dependency is unavailable",
    504: "A dependency was too slow",
}
_RESPONSE_HEADERS = {
    401: {"WWW-Authenticate": {"schema": {"type": "string"}}},
    429: {"Retry-After": {"schema": {"type": "integer"}, "required": True}},
}


def error_responses(
    *statuses: int, descriptions: dict[int, str] | None = None
) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` for the error bodies a route can answer with, so the published
    schema (and the contract tests that check answers against it) knows each of them."""
    described = {**_RESPONSE_DESCRIPTIONS, **(descriptions or {})}
    return {
        status: {
            "model": ErrorResponse,
            "description": described[status],
            **({"headers": _RESPONSE_HEADERS[status]} if status in _RESPONSE_HEADERS else {}),
        }
        for status in sorted(set(statuses))
    }


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(AppError, _app_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected)
