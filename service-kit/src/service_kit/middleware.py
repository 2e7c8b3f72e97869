"""Request context as a plain ASGI middleware (no per-request task or body copy): request id,
correlation id and trace parent into context variables and the response, plus metrics.

A request whose client went away before any answer was sent is counted and logged as 499
(client closed request, as nginx names it), not as a 500: no alert should fire for a client
that gave up. The exception it leaves behind (Starlette's ClientDisconnect, or any other raised
after the disconnect) goes no further: there is no one to answer."""

import logging
import time
import uuid
from typing import Any

from starlette.requests import ClientDisconnect
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from service_kit.context import (
    TraceParent,
    correlation_id_var,
    parse_uuid,
    request_id_var,
    traceparent_var,
)
from service_kit.metrics import HTTP_LATENCY, HTTP_REQUESTS

log = logging.getLogger("service_kit.access")

CLIENT_CLOSED_REQUEST = 499


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope["headers"]:
        if key == name:
            return str(value.decode("latin-1"))
    return None


class RequestContextMiddleware:
    def __init__(self, app: ASGIApp, *, access_log: bool = True) -> None:
        self.app = app
        self.access_log = access_log

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = _header(scope, b"x-request-id")
        if not request_id or len(request_id) > 128:
            request_id = uuid.uuid4().hex
        correlation_id = parse_uuid(_header(scope, b"x-correlation-id")) or uuid.uuid4()
        parent = TraceParent.parse(_header(scope, b"traceparent")) or TraceParent.new()
        request_id_var.set(request_id)
        correlation_id_var.set(correlation_id)
        traceparent_var.set(str(parent))
        started = time.perf_counter()
        status = 500
        answered = False
        client_gone = False

        async def receive_noting_disconnect() -> Message:
            nonlocal client_gone
            message = await receive()
            if message["type"] == "http.disconnect":
                client_gone = True
            return message

        async def send_with_ids(message: Message) -> None:
            nonlocal status, answered
            if message["type"] == "http.response.start":
                status = message["status"]
                answered = True
                headers: list[Any] = list(message.get("headers", []))
                headers.append((b"x-request-id", request_id.encode()))
                headers.append((b"x-correlation-id", str(correlation_id).encode()))
                message["headers"] = headers
            await send(message)

        try:
            await self.app(scope, receive_noting_disconnect, send_with_ids)
            if not answered and client_gone:
                status = CLIENT_CLOSED_REQUEST
        except Exception as exc:
            if answered or not (client_gone or isinstance(exc, ClientDisconnect)):
                raise
            status = CLIENT_CLOSED_REQUEST
            if not isinstance(exc, ClientDisconnect):
                log.warning("failed after the client went away", exc_info=exc)
        finally:
            elapsed = time.perf_counter() - started
            route = scope.get("route")
            template = getattr(route, "path", None) or "unmatched"
            method = scope["method"]
            HTTP_REQUESTS.labels(method, template, str(status)).inc()
            HTTP_LATENCY.labels(method, template).observe(elapsed)
            if self.access_log:
                log.info(
                    "request",
                    extra={
                        "method": method,
                        "path": scope["path"],
                        "status": status,
                        "duration_ms": round(elapsed * 1000, 2),
                    },
                )
