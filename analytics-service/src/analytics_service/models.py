"""Tables of the analytics service: every event as it arrived, the facts folded from them per
order, cart and product, and the roll-ups the dashboard reads (docs/analytics.md).

The raw `events` are the source of truth: `python -m analytics_service rebuild` derives every
other table from them again."""

import uuid
from datetime import datetime
from typing import TYPE_CHECKING, Any

from service_kit.db import declarative_base
from service_kit.migrations import add_kit_tables
from sqlalchemy import BigInteger, Boolean, DateTime, Index, Integer, Text, func, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

if TYPE_CHECKING:
    # The kit makes a fresh base per service at runtime; mypy needs a static class to check
    # the models against.
    class Base(DeclarativeBase):
        pass
else:
    Base = declarative_base()
add_kit_tables(Base.metadata)


def _count() -> Mapped[int]:
    return mapped_column(BigInteger, server_default=text("0"))


class Event(Base):
    """One event as delivered (its envelope's fields and its data, unknown fields included),
    once: the id is the event's own."""

    __tablename__ = "events"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    type: Mapped[str] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer)
    occurred_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    producer: Mapped[str] = mapped_column(Text)
    correlation_id: Mapped[uuid.UUID] = mapped_column()
    data: Mapped[dict[str, Any]] = mapped_column(JSONB)
    received_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )


class OrderFact(Base):
    """What the events have said about one order so far. Every column is merged so that the
    result does not depend on the order the events arrive in (facts.py)."""

    __tablename__ = "order_facts"

    order_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    user_id: Mapped[uuid.UUID | None] = mapped_column()
    placed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    total_cents: Mapped[int | None] = mapped_column(BigInteger)
    paid_cents: Mapped[int | None] = mapped_column(BigInteger)
    refunded_cents: Mapped[int] = _count()
    items: Mapped[list[dict[str, Any]] | None] = mapped_column(JSONB)
    created: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    paid: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    payment_failed: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    cancelled: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    shipped: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))


class SalesHour(Base):
    """The orders placed in one UTC hour, as they stand now (an order refunded later moves
    out of revenue in the hour it was placed)."""

    __tablename__ = "sales_hours"

    hour: Mapped[datetime] = mapped_column(DateTime(timezone=True), primary_key=True)
    orders: Mapped[int] = _count()
    paid_orders: Mapped[int] = _count()
    cancelled_orders: Mapped[int] = _count()
    revenue_cents: Mapped[int] = _count()
    units: Mapped[int] = _count()
    payment_failures: Mapped[int] = _count()
    refunds: Mapped[int] = _count()
    refunded_cents: Mapped[int] = _count()


class CustomerHour(Base):
    """How many of one customer's orders placed in one hour stand paid (for distinct
    customers over any range of hours)."""

    __tablename__ = "customer_hours"

    hour: Mapped[datetime] = mapped_column(DateTime(timezone=True), primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    paid_orders: Mapped[int] = _count()


class ProductSales(Base):
    """Units and revenue of one product over the orders that stand paid."""

    __tablename__ = "product_sales"

    product_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    units: Mapped[int] = _count()
    revenue_cents: Mapped[int] = _count()


class ProductName(Base):
    """A product's latest name: from the catalog's events, or else from an order's line
    (a deleted product keeps its last name: its sales stay in the figures).
        `source_rank` 1 is the catalog, 0 an order line; the highest (rank, time, event id)
        wins, whatever the arrival order."""

    __tablename__ = "product_names"

    product_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    source_rank: Mapped[int] = mapped_column(Integer)
    named_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    event_id: Mapped[uuid.UUID] = mapped_column()


class Cart(Base):
    """A customer's cart as its latest cart.updated left it, and when they last ordered."""

    __tablename__ = "carts"

    user_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    item_count: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    value_cents: Mapped[int] = _count()
    # The time and id of the cart.updated the row holds (none yet: null).
    updated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    event_id: Mapped[uuid.UUID | None] = mapped_column()
    last_order_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


# What the abandoned-carts report reads: carts with items, by last activity.
Index("ix_carts_idle", Cart.updated_at, postgresql_where=Cart.item_count > 0)
