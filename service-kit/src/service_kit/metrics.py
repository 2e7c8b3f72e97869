"""Prometheus metrics of the kit (requests, events); exposed at /metrics, or on a port of their
own (`serve_metrics`) where the public port must not show them."""

import logging
import threading
from wsgiref.simple_server import WSGIServer

from prometheus_client import Counter, Histogram, start_http_server

log = logging.getLogger(__name__)

HTTP_REQUESTS = Counter(
    "http_requests_total", "HTTP requests handled", ["method", "route", "status"]
)
HTTP_LATENCY = Histogram(
    "http_request_duration_seconds",
    "HTTP request latency",
    ["method", "route"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)
OUTBOX_PUBLISHED = Counter("outbox_published_total", "Outbox events published")
OUTBOX_FAILURES = Counter("outbox_publish_failures_total", "Outbox publish attempts that failed")
OUTBOX_LAG = Histogram(
    "outbox_lag_seconds",
    "Time from commit of an event to its confirmed publication",
    buckets=(0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5, 30),
)
EVENTS_CONSUMED = Counter("events_consumed_total", "Events consumed", ["type", "outcome"])
EVENT_HANDLING = Histogram("event_handling_seconds", "Time to handle one event", ["type"])


class MetricsServer:
    """Prometheus' own exposition server on a port apart from the API, in a thread. With
    several worker processes on one port, the first binds it and the others go without (each
    logs so)."""

    def __init__(self, host: str, port: int) -> None:
        self.host = host
        self.port = port
        self._server: WSGIServer | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        try:
            self._server, self._thread = start_http_server(self.port, self.host)
        except OSError as exc:
            log.warning("metrics port unavailable", extra={"port": self.port, "error": repr(exc)})
            return
        log.info("metrics served", extra={"host": self.host, "port": self.port})

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(5)
