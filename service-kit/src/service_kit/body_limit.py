"""Every service refuses a body over its `max_body_bytes` itself (not only behind the gateway),
as a plain ASGI middleware.

A declared Content-Length over the limit is refused before the app runs; a body without one
(chunked) is counted as the app reads it, and refused when it passes the limit. Before the 413
is sent, the rest of the body is read and thrown away (up to DRAIN_FACTOR times the limit and
DRAIN_SECONDS), as nginx's lingering close does: a client that sends its whole body before it
reads (Python's urllib) then gets the 413 instead of a connection reset, which is what closing
a socket with unread data in it sends. A client that asked `Expect: 100-continue` has not sent
the body yet, so nothing is drained for it.
"""

import asyncio

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from service_kit.errors import error_response

DRAIN_FACTOR = 16
DRAIN_SECONDS = 5.0


class BodyTooLarge(HTTPException):
    """Raised from `receive` when a streamed body passes the limit (an HTTPException, so
    FastAPI's body reading passes it on as it is); its answer is a 413 in the error format."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, too_large_message(limit))
        self.limit = limit


def too_large_message(limit: int) -> str:
    return f"The request body is larger than {limit} bytes."


async def drain(receive: Receive, max_bytes: int, seconds: float = DRAIN_SECONDS) -> None:
    """Read and discard what is left of the request body, up to `max_bytes` and `seconds`."""
    read = 0
    try:
        async with asyncio.timeout(seconds):
            while read <= max_bytes:
                message = await receive()
                if message["type"] != "http.request":
                    return
                read += len(message.get("body", b""))
                if not message.get("more_body", False):
                    return
    except TimeoutError:
        return


def _declared_length(scope: Scope) -> tuple[int | None, bool]:
    """The Content-Length (None if absent or not a number), and whether 100-continue is
    expected."""
    length: int | None = None
    expects_continue = False
    for name, value in scope["headers"]:
        if name == b"content-length" and value.isdigit():
            length = int(value)
        elif name == b"expect" and value.lower() == b"100-continue":
            expects_continue = True
    return length, expects_continue


class BodyLimitMiddleware:
    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.max_bytes
        length, expects_continue = _declared_length(scope)
        if length is not None and length > limit:
            if not expects_continue:
                await drain(receive, limit * DRAIN_FACTOR)
            response = error_response(413, "payload_too_large", too_large_message(limit))
            await response(scope, receive, send)
            return
        if length is not None:  # the server stops at the declared length
            await self.app(scope, receive, send)
            return

        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    if message.get("more_body", False):
                        await drain(receive, limit * DRAIN_FACTOR)
                    raise BodyTooLarge(limit)
            return message

        await self.app(scope, limited_receive, send)
