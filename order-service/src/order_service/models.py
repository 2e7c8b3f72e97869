"""Tables of the order service: orders, their items and status history, idempotency keys."""

import uuid
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from service_kit.db import declarative_base
from service_kit.migrations import add_kit_tables
from shop_contracts import OrderStatus, PaymentStatus
from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    DateTime,
    Enum,
    ForeignKey,
    Identity,
    Index,
    Integer,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

if TYPE_CHECKING:
    # The kit makes a fresh base per service at runtime; mypy needs a static class to check
    # the models against.
    class Base(DeclarativeBase):
        pass
else:
    Base = declarative_base()
add_kit_tables(Base.metadata)


def utcnow() -> datetime:
    return datetime.now(UTC)


def _enum(values: type[OrderStatus] | type[PaymentStatus], name: str) -> Enum:
    return Enum(
        values,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=16,
        values_callable=lambda members: [m.value for m in members],
    )


order_status_type = _enum(OrderStatus, "order_status")
payment_status_type = _enum(PaymentStatus, "payment_status")


class Order(Base):
    __tablename__ = "orders"
    __table_args__ = (
        CheckConstraint("total_cents >= 0", name="total_not_negative"),
        Index("ix_orders_user_id_created_at", "user_id", "created_at", "id"),
        Index("ix_orders_status_created_at", "status", "created_at", "id"),
        Index("ix_orders_created_at", "created_at", "id"),
        # One order per content of a cart, whatever the Idempotency-Keys (decision 26).
        UniqueConstraint("cart_revision", name="uq_orders_cart_revision"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    user_id: Mapped[uuid.UUID]
    status: Mapped[OrderStatus] = mapped_column(order_status_type)
    total_cents: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(Text)
    payment_method: Mapped[str] = mapped_column(Text)
    shipping_address: Mapped[dict[str, Any]] = mapped_column(JSONB)
    # The cart's revision this order was placed from (empty for orders placed before it was
    # recorded).
    cart_revision: Mapped[uuid.UUID | None]
    # What the payment service told us (payment.* events); empty until the first one arrives.
    payment_status: Mapped[PaymentStatus | None] = mapped_column(payment_status_type)
    payment_brand: Mapped[str | None] = mapped_column(Text)
    payment_last4: Mapped[str | None] = mapped_column(Text)
    payment_decline_reason: Mapped[str | None] = mapped_column(Text)
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    # The lines inventory could not supply (stock.insufficient); a refund follows.
    stock_shortage: Mapped[list[dict[str, Any]] | None] = mapped_column(JSONB)
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, server_default=func.now()
    )
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, server_default=func.now()
    )

    items: Mapped[list["OrderItem"]] = relationship(
        lazy="selectin", order_by="OrderItem.position", cascade="all, delete-orphan"
    )
    history: Mapped[list["OrderStatusChange"]] = relationship(
        lazy="selectin", order_by="OrderStatusChange.id", cascade="all, delete-orphan"
    )


class OrderItem(Base):
    """A line as it was in the cart at checkout: name and price are a snapshot."""

    __tablename__ = "order_items"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("unit_price_cents >= 0", name="unit_price_not_negative"),
    )

    order_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("orders.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    product_id: Mapped[uuid.UUID]
    name: Mapped[str] = mapped_column(Text)
    unit_price_cents: Mapped[int] = mapped_column(BigInteger)
    quantity: Mapped[int] = mapped_column(Integer)


class OrderStatusChange(Base):
    """One row per status an order entered, and per saga fact recorded without a status change."""

    __tablename__ = "order_status_history"

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    order_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("orders.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[OrderStatus] = mapped_column(order_status_type)
    reason: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, server_default=func.now()
    )


class IdempotencyKey(Base):
    """A checkout's `Idempotency-Key`: its primary key makes one order per (user, key), also
    under concurrent requests, which wait on each other's insert."""

    __tablename__ = "idempotency_keys"

    user_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(Text, primary_key=True)
    request_hash: Mapped[str] = mapped_column(Text)
    # Deferred: the key is claimed before the order it names is written, in one transaction.
    order_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("orders.id", ondelete="CASCADE", deferrable=True, initially="DEFERRED"),
        index=True,
    )
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, server_default=func.now()
    )
