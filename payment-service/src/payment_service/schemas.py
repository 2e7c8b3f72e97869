"""Request and response bodies of the HTTP API. Requests refuse unknown fields and take JSON
types as declared (strict: `false` is not a delay, `"12"` is not a month).

The card number and CVC are SecretStr: their repr is masked, so a request model that ends up in
a log line or a traceback does not carry them."""

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, SecretStr
from shop_contracts import PaymentStatus

from payment_service.config import MAX_PROCESSING_DELAY_MS
from payment_service.models import Payment, PaymentMethod
from payment_service.service import ProcessorSwitch


def _integral_float_to_int(value: object) -> object:
    # JSON Schema counts 12.0 as an integer; pydantic's strict mode would refuse it.
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


JsonInt = Annotated[int, BeforeValidator(_integral_float_to_int)]


class _Request(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class PaymentMethodCreate(_Request):
    card_number: SecretStr = Field(
        min_length=1,
        max_length=40,
        description="12-19 digits; spaces and dashes allowed. Never stored or logged.",
        examples=["4242 4242 4242 4242"],
    )
    exp_month: JsonInt = Field(ge=1, le=12, examples=[12])
    exp_year: JsonInt = Field(ge=2000, le=2100, description="Four digits", examples=[2030])
    cvc: SecretStr = Field(
        min_length=3,
        max_length=4,
        description="3 digits (4 for American Express). Never stored or logged.",
        examples=["123"],
    )


class PaymentMethodOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str = Field(description="The token to pay with", examples=["pm_1bX2kq9W0d8Jt3sYcZr7aQ"])
    brand: str = Field(examples=["visa"])
    last4: str = Field(pattern=r"^\d{4}$", examples=["4242"])
    exp_month: int
    exp_year: int

    @classmethod
    def of(cls, method: PaymentMethod) -> "PaymentMethodOut":
        return cls.model_validate(method)


class PaymentMethodPage(BaseModel):
    items: list[PaymentMethodOut]
    total: int
    limit: int
    offset: int


class PaymentOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: UUID
    order_id: UUID
    amount_cents: int
    currency: str
    status: PaymentStatus
    brand: str | None = Field(description="Null when the order named no usable payment method")
    last4: str | None
    decline_reason: str | None = Field(
        description="card_declined, insufficient_funds, expired_card or invalid_payment_method"
    )
    created_at: datetime

    @classmethod
    def of(cls, payment: Payment) -> "PaymentOut":
        return cls.model_validate(payment)


class ProcessorSwitchIn(_Request):
    decline_rate: float = Field(
        ge=0.0, le=1.0, allow_inf_nan=False, description="Share of charges declined at random"
    )
    processing_delay_ms: JsonInt = Field(
        ge=0, le=MAX_PROCESSING_DELAY_MS, description="Simulated latency before each charge"
    )


class ProcessorSwitchOut(BaseModel):
    decline_rate: float
    processing_delay_ms: int
    source: Literal["settings", "admin"] = Field(
        description="`admin` when changed at runtime, `settings` when from the configuration"
    )
    updated_at: datetime | None
    updated_by: UUID | None

    @classmethod
    def of(cls, switch: ProcessorSwitch) -> "ProcessorSwitchOut":
        return cls(
            decline_rate=switch.decline_rate,
            processing_delay_ms=switch.processing_delay_ms,
            source=switch.source,
            updated_at=switch.updated_at,
            updated_by=switch.updated_by,
        )
