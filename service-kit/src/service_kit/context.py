"""Request-scoped context carried into logs and events: request id, correlation id, trace parent."""

import os
import secrets
from contextvars import ContextVar
from dataclasses import dataclass
from uuid import UUID, uuid4

request_id_var: ContextVar[str | None] = ContextVar("request_id", default=None)
correlation_id_var: ContextVar[UUID | None] = ContextVar("correlation_id", default=None)
causation_id_var: ContextVar[UUID | None] = ContextVar("causation_id", default=None)
traceparent_var: ContextVar[str | None] = ContextVar("traceparent", default=None)


@dataclass(frozen=True)
class TraceParent:
    """W3C trace context: 00-<trace id>-<parent span id>-<flags>."""

    trace_id: str
    span_id: str
    flags: str = "01"

    def __str__(self) -> str:
        return f"00-{self.trace_id}-{self.span_id}-{self.flags}"

    @classmethod
    def parse(cls, header: str | None) -> "TraceParent | None":
        if not header:
            return None
        parts = header.strip().split("-")
        if len(parts) != 4 or len(parts[1]) != 32 or len(parts[2]) != 16:
            return None
        try:
            int(parts[1], 16)
            int(parts[2], 16)
        except ValueError:
            return None
        if set(parts[1]) == {"0"} or set(parts[2]) == {"0"}:
            return None
        return cls(parts[1], parts[2], parts[3][:2])

    @classmethod
    def new(cls) -> "TraceParent":
        return cls(secrets.token_hex(16), secrets.token_hex(8))

    def child(self) -> "TraceParent":
        """A new span in the same trace."""
        return TraceParent(self.trace_id, os.urandom(8).hex(), self.flags)


def parse_uuid(value: str | None) -> UUID | None:
    if not value:
        return None
    try:
        return UUID(value)
    except ValueError:
        return None


def current_correlation_id() -> UUID:
    """The correlation id of the work in progress; starts one if there is none."""
    cid = correlation_id_var.get()
    if cid is None:
        cid = uuid4()
        correlation_id_var.set(cid)
    return cid


def outgoing_headers() -> dict[str, str]:
    """Headers that carry the current request's ids and trace to a service called over HTTP."""
    headers: dict[str, str] = {"x-correlation-id": str(current_correlation_id())}
    if (rid := request_id_var.get()) is not None:
        headers["x-request-id"] = rid
    parent = TraceParent.parse(traceparent_var.get())
    headers["traceparent"] = str(parent.child() if parent else TraceParent.new())
    return headers
