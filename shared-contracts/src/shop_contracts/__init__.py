"""Schemas shared by every service: the event envelope and events, the error body, enums.

Schemas only: nothing here does I/O.
"""

from shop_contracts.enums import OrderStatus, PaymentStatus, Role, StockChangeReason
from shop_contracts.envelope import Envelope, Event
from shop_contracts.errors import ErrorBody, ErrorDetail, ErrorResponse
from shop_contracts.registry import (
    EVENT_TYPES,
    SUBSCRIPTIONS,
    UnknownEventType,
    event_model,
    parse_event,
)

__all__ = [
    "EVENT_TYPES",
    "SUBSCRIPTIONS",
    "Envelope",
    "ErrorBody",
    "ErrorDetail",
    "ErrorResponse",
    "Event",
    "OrderStatus",
    "PaymentStatus",
    "Role",
    "StockChangeReason",
    "UnknownEventType",
    "event_model",
    "parse_event",
]
