"""Routing key ↔ model, and which service consumes which events (EVENTS.md)."""

from typing import Any

from shop_contracts.envelope import Envelope, Event
from shop_contracts.events import (
    CartUpdated,
    OrderCancelled,
    OrderCreated,
    OrderPaid,
    OrderShipped,
    PaymentFailed,
    PaymentRefunded,
    PaymentSucceeded,
    ProductCreated,
    ProductDeleted,
    ProductUpdated,
    StockInsufficient,
    StockUpdated,
    UserRegistered,
)

_MODELS: tuple[type[Event], ...] = (
    UserRegistered,
    ProductCreated,
    ProductUpdated,
    ProductDeleted,
    CartUpdated,
    OrderCreated,
    PaymentSucceeded,
    PaymentFailed,
    StockUpdated,
    StockInsufficient,
    PaymentRefunded,
    OrderPaid,
    OrderShipped,
    OrderCancelled,
)

EVENT_TYPES: dict[str, type[Event]] = {model.TYPE: model for model in _MODELS}

# The consumers column of EVENTS.md: the routing keys each service's queue is bound to.
# Two additions close the race of a customer cancelling while the payment is in flight
# (docs/decisions.md): payment refunds or blocks the charge on order.cancelled, and
# inventory gives back the stock of a refunded order it had decremented. The recommendation
# service also follows stock (never recommending what is sold out) and the orders' payment
# and cancellation (co-purchases count paid orders only).
SUBSCRIPTIONS: dict[str, tuple[str, ...]] = {
    "inventory": ("product.created", "product.deleted", "payment.success", "payment.refunded"),
    "cart": (
        "product.created",
        "product.updated",
        "product.deleted",
        "stock.updated",
        "order.created",
    ),
    "product": ("stock.updated",),
    "recommendation": (
        "product.created",
        "product.updated",
        "product.deleted",
        "stock.updated",
        "cart.updated",
        "order.created",
        "order.paid",
        "order.cancelled",
    ),
    "payment": ("order.created", "stock.insufficient", "order.cancelled"),
    "order": ("payment.success", "payment.failed", "payment.refunded", "stock.insufficient"),
    # analytics keeps every event type (it is the platform's record).
    "analytics": (
        "user.registered",
        "product.created",
        "product.updated",
        "product.deleted",
        "cart.updated",
        "order.created",
        "payment.success",
        "payment.failed",
        "payment.refunded",
        "stock.updated",
        "stock.insufficient",
        "order.paid",
        "order.shipped",
        "order.cancelled",
    ),
}


class UnknownEventType(ValueError):
    pass


def event_model(event_type: str) -> type[Event]:
    try:
        return EVENT_TYPES[event_type]
    except KeyError:
        raise UnknownEventType(event_type) from None


def parse_event(envelope: Envelope | dict[str, Any]) -> tuple[Envelope, Event]:
    """Validate an envelope and its data against the model of its type."""
    env = envelope if isinstance(envelope, Envelope) else Envelope.model_validate(envelope)
    return env, event_model(env.type).model_validate(env.data)
