"""What an order's events add up to, and what an order adds to the roll-ups: pure functions,
the same for the live consumer and for `rebuild`.

Events of one order can arrive in any order (payment.success before order.created, a refund
before the payment, a duplicate), so the facts are merged with rules whose result does not
depend on that order: flags only turn on, the order's time is the earliest time seen, the
refunded amount is the largest refund seen, and the order's own lines and total (order.created)
win over a payment's copy of them. The roll-ups hold the sum of every order's contribution,
computed from its facts alone; an event changes the roll-ups by the new contribution minus the
old one. So the roll-ups are a function of the set of events, not of their sequence.
"""

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, NamedTuple

from shop_contracts import Event
from shop_contracts.events import (
    OrderCancelled,
    OrderCreated,
    OrderLine,
    OrderPaid,
    OrderShipped,
    PaymentFailed,
    PaymentRefunded,
    PaymentSucceeded,
)

ORDER_EVENTS: tuple[type[Event], ...] = (
    OrderCreated,
    PaymentSucceeded,
    PaymentFailed,
    PaymentRefunded,
    OrderPaid,
    OrderShipped,
    OrderCancelled,
)


class OrderState(StrEnum):
    PENDING = "pending"
    PAID = "paid"  # charged, and neither refunded nor cancelled since
    CANCELLED = "cancelled"  # declined, cancelled or refunded


@dataclass(frozen=True, slots=True)
class Line:
    product_id: uuid.UUID
    name: str
    quantity: int
    unit_price_cents: int

    @classmethod
    def of(cls, line: OrderLine) -> "Line":
        return cls(line.product_id, line.name, line.quantity, line.unit_price_cents)

    @classmethod
    def from_json(cls, value: Mapping[str, Any]) -> "Line":
        return cls(
            uuid.UUID(str(value["product_id"])),
            str(value["name"]),
            int(value["quantity"]),
            int(value["unit_price_cents"]),
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "product_id": str(self.product_id),
            "name": self.name,
            "quantity": self.quantity,
            "unit_price_cents": self.unit_price_cents,
        }


@dataclass(frozen=True, slots=True)
class OrderFacts:
    order_id: uuid.UUID
    user_id: uuid.UUID | None = None
    placed_at: datetime | None = None
    total_cents: int | None = None
    paid_cents: int | None = None
    refunded_cents: int = 0
    items: tuple[Line, ...] | None = None
    created: bool = False
    paid: bool = False
    payment_failed: bool = False
    cancelled: bool = False
    shipped: bool = False

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> "OrderFacts":
        items = row["items"]
        return cls(
            order_id=row["order_id"],
            user_id=row["user_id"],
            placed_at=row["placed_at"],
            total_cents=row["total_cents"],
            paid_cents=row["paid_cents"],
            refunded_cents=row["refunded_cents"],
            items=None if items is None else tuple(Line.from_json(i) for i in items),
            created=row["created"],
            paid=row["paid"],
            payment_failed=row["payment_failed"],
            cancelled=row["cancelled"],
            shipped=row["shipped"],
        )

    def items_json(self) -> list[dict[str, Any]] | None:
        return None if self.items is None else [line.to_json() for line in self.items]

    @property
    def amount_cents(self) -> int:
        """What the customer was charged (or is to be): the payment's amount, else the total."""
        if self.paid_cents is not None:
            return self.paid_cents
        return self.total_cents or 0

    @property
    def state(self) -> OrderState:
        if self.payment_failed or self.cancelled:
            return OrderState.CANCELLED
        if self.refunded_cents > 0 and (not self.paid or self.refunded_cents >= self.amount_cents):
            return OrderState.CANCELLED
        if self.paid:
            return OrderState.PAID
        return OrderState.PENDING


def _earliest(a: datetime | None, b: datetime) -> datetime:
    return b if a is None or b < a else a


def merge(facts: OrderFacts, event: Event, occurred_at: datetime) -> OrderFacts:
    """The facts after one more of the order's events (any order, any number of times)."""
    merged = replace(facts, placed_at=_earliest(facts.placed_at, occurred_at))
    match event:
        case OrderCreated():
            return replace(
                merged,
                created=True,
                user_id=event.user_id,
                total_cents=event.total_cents,
                items=tuple(Line.of(line) for line in event.items),
            )
        case PaymentSucceeded():
            # order.created's own lines and total win; a payment's copy fills in until then.
            return replace(
                merged,
                paid=True,
                user_id=merged.user_id or event.user_id,
                paid_cents=max(merged.paid_cents or 0, event.amount_cents),
                items=merged.items
                if merged.created or merged.items is not None
                else tuple(Line.of(line) for line in event.items),
            )
        case PaymentFailed():
            return replace(merged, payment_failed=True, user_id=merged.user_id or event.user_id)
        case PaymentRefunded():
            return replace(merged, refunded_cents=max(merged.refunded_cents, event.amount_cents))
        case OrderPaid() | OrderShipped() | OrderCancelled():
            return replace(
                merged,
                user_id=merged.user_id or event.user_id,
                total_cents=merged.total_cents if merged.created else event.total_cents,
                paid=merged.paid or not isinstance(event, OrderCancelled),
                shipped=merged.shipped or isinstance(event, OrderShipped),
                cancelled=merged.cancelled or isinstance(event, OrderCancelled),
            )
    raise TypeError(f"not an order event: {event.TYPE}")


def order_id_of(event: Event) -> uuid.UUID:
    order_id = getattr(event, "order_id", None)
    if not isinstance(order_id, uuid.UUID):
        raise TypeError(f"not an order event: {event.TYPE}")
    return order_id


class Sales(NamedTuple):
    """One order's part of an hour's figures (also a sum of such parts)."""

    orders: int = 0
    paid_orders: int = 0
    cancelled_orders: int = 0
    revenue_cents: int = 0
    units: int = 0
    payment_failures: int = 0
    refunds: int = 0
    refunded_cents: int = 0


# A roll-up row's key: ("sales", hour) | ("customer", hour, user_id) | ("product", product_id);
# its values are the row's counters.
Key = tuple[Any, ...]
Rollup = dict[Key, tuple[int, ...]]


def hour_of(at: datetime) -> datetime:
    return at.astimezone(UTC).replace(minute=0, second=0, microsecond=0)


def contribution(facts: OrderFacts) -> Rollup:
    """What one order adds to the roll-ups, given what is known of it."""
    if facts.placed_at is None:
        return {}
    hour = hour_of(facts.placed_at)
    state = facts.state
    is_paid = state is OrderState.PAID
    lines = facts.items or ()
    revenue = max(facts.amount_cents - facts.refunded_cents, 0) if is_paid else 0
    rollup: Rollup = {
        ("sales", hour): Sales(
            orders=1,
            paid_orders=int(is_paid),
            cancelled_orders=int(state is OrderState.CANCELLED),
            revenue_cents=revenue,
            units=sum(line.quantity for line in lines) if is_paid else 0,
            payment_failures=int(facts.payment_failed),
            refunds=int(facts.refunded_cents > 0),
            refunded_cents=facts.refunded_cents,
        )
    }
    if is_paid and facts.user_id is not None:
        rollup[("customer", hour, facts.user_id)] = (1,)
    if is_paid:
        for line in lines:
            key = ("product", line.product_id)
            units, cents = rollup.get(key, (0, 0))
            rollup[key] = (units + line.quantity, cents + line.quantity * line.unit_price_cents)
    return rollup


def add(total: Rollup, part: Rollup, sign: int = 1) -> Rollup:
    """`total` + sign * `part`, in place; rows that come to zero are dropped."""
    for key, values in part.items():
        current = total.get(key)
        summed = (
            tuple(sign * v for v in values)
            if current is None
            else tuple(c + sign * v for c, v in zip(current, values, strict=True))
        )
        if any(summed):
            total[key] = summed
        else:
            total.pop(key, None)
    return total


def delta(before: OrderFacts, after: OrderFacts) -> Rollup:
    """How the roll-ups change when an order's facts go from `before` to `after`."""
    return add(dict(contribution(after)), contribution(before), -1)


def rows(rollup: Rollup, table: str) -> list[tuple[Any, ...]]:
    """The rows of one roll-up table: its key columns, then its counters."""
    return sorted((*key[1:], *values) for key, values in rollup.items() if key[0] == table)


def total(rollups: Iterable[Rollup]) -> Rollup:
    summed: Rollup = {}
    for rollup in rollups:
        add(summed, rollup)
    return summed
