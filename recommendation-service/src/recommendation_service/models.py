"""Tables of the recommendation service: its read model of the catalog, of orders and of carts,
kept from events only (product.*, stock.updated, order.*, cart.updated).

Events may arrive out of order: a product's catalog fields and its stock each remember when the
figure they hold was true; an order may be heard of as paid before its items arrive."""

import uuid
from datetime import datetime
from typing import TYPE_CHECKING

from service_kit.db import declarative_base
from service_kit.migrations import add_kit_tables
from sqlalchemy import (
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Text,
    func,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

if TYPE_CHECKING:
    # The kit makes a fresh base per service at runtime; mypy needs a static class to check
    # the models against.
    class Base(DeclarativeBase):
        pass
else:
    Base = declarative_base()
add_kit_tables(Base.metadata)

ORDER_STATUSES = ("pending", "paid", "cancelled")


class Product(Base):
    """What the recommender knows of a product. `version` counts the changes of its catalog
    fields (what the recommender reads), so a cached answer about a product is kept per
    version; stock changes do not count (availability is read fresh per request)."""

    __tablename__ = "products"

    product_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    name: Mapped[str | None] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text, server_default=text("''"))
    category: Mapped[str | None] = mapped_column(Text)
    price_cents: Mapped[int | None] = mapped_column(Integer)
    currency: Mapped[str] = mapped_column(Text, server_default=text("'USD'"))
    image_url: Mapped[str | None] = mapped_column(Text)
    stock: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    deleted: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    version: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    catalog_as_of: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    stock_as_of: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class Order(Base):
    """An order as far as recommendations care: who placed it, whether it was paid, what it
    holds. Cancelled is final (a refund after payment cancels a paid order); `version` counts
    the changes, so the recommender sees when the paid orders changed."""

    __tablename__ = "orders"
    __table_args__ = (
        CheckConstraint(
            "status IN (" + ", ".join(f"'{s}'" for s in ORDER_STATUSES) + ")",
            name="status_known",
        ),
        Index("ix_orders_user_id", "user_id"),
    )

    order_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column()
    status: Mapped[str] = mapped_column(Text, server_default=text("'pending'"))
    placed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    paid_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    version: Mapped[int] = mapped_column(Integer, server_default=text("1"))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class OrderItem(Base):
    __tablename__ = "order_items"

    order_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("orders.order_id", ondelete="CASCADE"), primary_key=True
    )
    product_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    quantity: Mapped[int] = mapped_column(Integer)


class Cart(Base):
    """A customer's cart as last announced; `as_of` orders the announcements."""

    __tablename__ = "carts"

    user_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    as_of: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class CartLine(Base):
    __tablename__ = "cart_lines"

    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("carts.user_id", ondelete="CASCADE"), primary_key=True
    )
    product_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    quantity: Mapped[int] = mapped_column(Integer)
