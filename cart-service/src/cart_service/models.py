"""Tables of the cart service: carts and their lines, and a read model of the catalog and its
stock, kept from product.* and stock.updated events."""

import uuid
from datetime import datetime
from typing import TYPE_CHECKING

from service_kit.db import declarative_base
from service_kit.migrations import add_kit_tables
from sqlalchemy import Boolean, CheckConstraint, DateTime, ForeignKey, Integer, Text, func, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

if TYPE_CHECKING:
    # The kit makes a fresh base per service at runtime; mypy needs a static class to check
    # the models against.
    class Base(DeclarativeBase):
        pass
else:
    Base = declarative_base()
add_kit_tables(Base.metadata)

MAX_LINE_QUANTITY = 99
# Different products in one cart: bounds what one account can make every cart read price.
MAX_CART_LINES = 100


class Product(Base):
    """What the cart knows of a product. Events may arrive out of order: each part (catalog
    fields, stock) remembers when the figure it holds was true, and older figures are ignored.
    `name` and `price_cents` are empty while only the product's stock has been heard of."""

    __tablename__ = "products"

    product_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    name: Mapped[str | None] = mapped_column(Text)
    price_cents: Mapped[int | None] = mapped_column(Integer)
    currency: Mapped[str] = mapped_column(Text, server_default=text("'USD'"))
    stock: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    deleted: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    catalog_as_of: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    stock_as_of: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class Cart(Base):
    """One per user. Every change of a cart locks its row first, so changes of one cart are
    applied (and announced) one at a time. Locking it for a change also gives it a new
    `revision`: the order service records the revision it checked out under a unique
    constraint, so one content of a cart makes at most one order."""

    __tablename__ = "carts"

    user_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    revision: Mapped[uuid.UUID] = mapped_column(server_default=func.gen_random_uuid())
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class CartItem(Base):
    """A line of a cart; `unit_price_cents` is the price the customer saw when they last
    chose the quantity, so a later price change can be pointed out."""

    __tablename__ = "cart_items"
    __table_args__ = (
        CheckConstraint(f"quantity BETWEEN 1 AND {MAX_LINE_QUANTITY}", name="quantity_range"),
    )

    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("carts.user_id", ondelete="CASCADE"), primary_key=True
    )
    product_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    quantity: Mapped[int] = mapped_column(Integer)
    unit_price_cents: Mapped[int] = mapped_column(Integer)
    added_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
