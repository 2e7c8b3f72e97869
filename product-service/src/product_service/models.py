"""Tables of the product service: the catalog. Searches are answered by each replica's search
index (search/), built from the live products and told of every change of them (migration
0004's notifications); deleted products are kept (orders show their pictures), marked
`deleted_at`.
"""

import uuid
from datetime import datetime
from typing import TYPE_CHECKING, Any

from service_kit.db import declarative_base
from service_kit.migrations import add_kit_tables
from sqlalchemy import CheckConstraint, DateTime, Index, Integer, Text, func, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

if TYPE_CHECKING:
    # The kit makes a fresh base per service at runtime; mypy needs a static class.
    class Base(DeclarativeBase):
        pass
else:
    Base = declarative_base()
add_kit_tables(Base.metadata)

LIVE = text("deleted_at IS NULL")


class Product(Base):
    __tablename__ = "products"
    # Read server defaults (timestamps) back from the INSERT itself (RETURNING).
    __mapper_args__ = {"eager_defaults": True}
    __table_args__ = (
        CheckConstraint("price_cents > 0", name="price_positive"),
        CheckConstraint("stock >= 0", name="stock_not_negative"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    name: Mapped[str] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text, server_default="")
    price_cents: Mapped[int] = mapped_column(Integer)
    currency: Mapped[str] = mapped_column(Text, server_default="USD")
    # A slug: lower case, words joined by '-' (see schemas.normalize_category).
    category: Mapped[str] = mapped_column(Text)
    # Read model of the inventory service's stock; the initial value comes from creation.
    stock: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    # When the last applied stock.updated event happened; older events are ignored.
    stock_event_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    image_url: Mapped[str | None] = mapped_column(Text)
    attributes: Mapped[dict[str, Any]] = mapped_column(JSONB, server_default=text("'{}'::jsonb"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


# The categories list; price and stock ride along so counting needs only the index.
Index(
    "ix_products_live_category",
    Product.category,
    Product.price_cents,
    postgresql_include=["stock"],
    postgresql_where=LIVE,
)
