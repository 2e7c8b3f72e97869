"""Prometheus metrics of the kit (requests, events); exposed at /metrics."""

from prometheus_client import Counter, Histogram

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
