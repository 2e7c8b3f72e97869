"""Tables of the inventory service: stock per product, the ledger of every change to it, and the
decision taken for each paid order (so an order is decremented at most once)."""

import uuid
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from service_kit.db import declarative_base
from service_kit.migrations import add_kit_tables
from shop_contracts import StockChangeReason
from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    DateTime,
    Enum,
    Identity,
    Index,
    Integer,
    Text,
    func,
    text,
)
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

# Bounds that keep `stock + delta` inside a 32-bit integer.
MAX_STOCK = 1_000_000_000


class MovementReason(StrEnum):
    INITIAL = "initial"  # the stock a product was created with
    RESTOCK = "restock"
    ADMIN = "admin"
    ORDER = "order"
    ORDER_RETURN = "order_return"  # a decremented order was refunded: its stock comes back

    @property
    def event_reason(self) -> StockChangeReason:
        """The reason stock.updated carries (its contract knows order, admin and restock)."""
        if self is MovementReason.INITIAL:
            return StockChangeReason.RESTOCK
        if self is MovementReason.ORDER_RETURN:
            return StockChangeReason.ORDER
        return StockChangeReason(self.value)


class DecrementOutcome(StrEnum):
    APPLIED = "applied"
    INSUFFICIENT = "insufficient"
    # Refunded before its payment.success arrived: nothing was taken, and nothing will be.
    CANCELLED = "cancelled"
    # Decremented, then refunded (cancelled while the charge was in flight): stock given back.
    RETURNED = "returned"


def _enum(enum: type[StrEnum], name: str) -> Enum:
    return Enum(
        enum,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=16,
        values_callable=lambda members: [m.value for m in members],
    )


class StockItem(Base):
    """Stock of one product. `removed_at` is set when the product is deleted from the catalog;
    the row stays so that its ledger keeps a subject and a late product.created is ignored."""

    __tablename__ = "stock_items"
    __table_args__ = (CheckConstraint("stock >= 0", name="stock_not_negative"),)

    product_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    stock: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    removed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


# What the admin list filters on (`low_stock_below`) and sorts by.
Index("ix_stock_items_stock", StockItem.stock, postgresql_where=StockItem.removed_at.is_(None))


class StockMovement(Base):
    """One change of stock: the ledger. The sum of a product's deltas is its stock."""

    __tablename__ = "stock_movements"

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    product_id: Mapped[uuid.UUID] = mapped_column(index=True)
    delta: Mapped[int] = mapped_column(Integer)
    stock_after: Mapped[int] = mapped_column(Integer)
    reason: Mapped[MovementReason] = mapped_column(_enum(MovementReason, "movement_reason"))
    order_id: Mapped[uuid.UUID | None] = mapped_column()
    actor_id: Mapped[uuid.UUID | None] = mapped_column()
    note: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


# An order decrements a product at most once, whatever happens above this table.
Index(
    "uq_stock_movements_order_product",
    StockMovement.order_id,
    StockMovement.product_id,
    unique=True,
    postgresql_where=text("reason = 'order'"),
)


class OrderDecrement(Base):
    """The decision taken for a paid order: decremented, or refused for lack of stock."""

    __tablename__ = "order_decrements"

    order_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    outcome: Mapped[DecrementOutcome] = mapped_column(_enum(DecrementOutcome, "decrement_outcome"))
    shortages: Mapped[list[dict[str, Any]]] = mapped_column(
        JSONB, server_default=text("'[]'::jsonb")
    )
    decided_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
