"""Tables of the payment service: payment methods (a token, never a card number), payments,
refunds, and the processor switch; plus the kit's outbox and inbox."""

import uuid
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from service_kit.db import declarative_base
from service_kit.migrations import add_kit_tables
from shop_contracts import PaymentStatus
from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    DateTime,
    Enum,
    Float,
    ForeignKey,
    Integer,
    SmallInteger,
    Text,
    func,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from payment_service.processor import Behaviour

if TYPE_CHECKING:
    # The kit makes a fresh base per service at runtime; mypy needs a static class to check
    # the models against.
    class Base(DeclarativeBase):
        pass
else:
    Base = declarative_base()
add_kit_tables(Base.metadata)


def _enum(enum: type[StrEnum], name: str) -> Enum:
    return Enum(
        enum,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=32,
        values_callable=lambda members: [member.value for member in members],
    )


class PaymentMethod(Base):
    """A tokenised card. Its id is the token ("pm_..."); the number and CVC are not kept."""

    __tablename__ = "payment_methods"
    __mapper_args__ = {"eager_defaults": True}

    id: Mapped[str] = mapped_column(Text, primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(index=True)
    brand: Mapped[str] = mapped_column(Text)
    last4: Mapped[str] = mapped_column(Text)
    exp_month: Mapped[int] = mapped_column(SmallInteger)
    exp_year: Mapped[int] = mapped_column(SmallInteger)
    behaviour: Mapped[Behaviour] = mapped_column(_enum(Behaviour, "behaviour"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class Payment(Base):
    """The one charge of an order: the unique order_id is what makes a second charge impossible,
    however often or in whatever form order.created arrives."""

    __tablename__ = "payments"
    __table_args__ = (CheckConstraint("amount_cents >= 0", name="amount_not_negative"),)
    __mapper_args__ = {"eager_defaults": True}

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    order_id: Mapped[uuid.UUID] = mapped_column(unique=True)
    user_id: Mapped[uuid.UUID] = mapped_column(index=True)
    # The token charged; null when the order named no usable payment method.
    payment_method_id: Mapped[str | None] = mapped_column(Text)
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(Text)
    status: Mapped[PaymentStatus] = mapped_column(_enum(PaymentStatus, "payment_status"))
    brand: Mapped[str | None] = mapped_column(Text)
    last4: Mapped[str | None] = mapped_column(Text)
    decline_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )


class Refund(Base):
    __tablename__ = "refunds"
    __mapper_args__ = {"eager_defaults": True}

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    # Unique: a payment is refunded at most once.
    payment_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("payments.id", ondelete="RESTRICT"), unique=True
    )
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    reason: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


PROCESSOR_CONFIG_ID = 1


class ProcessorConfig(Base):
    """An admin's runtime override of the processor switch (at most one row; none: settings).

    In the database rather than in memory, so every replica charges by the same rules."""

    __tablename__ = "processor_config"
    __table_args__ = (
        CheckConstraint(f"id = {PROCESSOR_CONFIG_ID}", name="single_row"),
        CheckConstraint("decline_rate >= 0 AND decline_rate <= 1", name="decline_rate_range"),
        CheckConstraint("processing_delay_ms >= 0", name="delay_not_negative"),
    )
    __mapper_args__ = {"eager_defaults": True}

    id: Mapped[int] = mapped_column(SmallInteger, primary_key=True, default=PROCESSOR_CONFIG_ID)
    decline_rate: Mapped[float] = mapped_column(Float)
    processing_delay_ms: Mapped[int] = mapped_column(Integer)
    updated_by: Mapped[uuid.UUID] = mapped_column()
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )
