"""Request and response bodies of the HTTP API. Requests refuse unknown fields."""

from datetime import datetime
from typing import Annotated
from uuid import UUID

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, Strict
from shop_contracts import OrderStatus, PaymentStatus

from order_service.repository import OrderDetail

# Storable, printable text: PostgreSQL refuses NUL characters, and a label with control
# characters or only blanks is a mistake. Non-blank at both ends.
_TEXT = r"^[^\x00-\x20\x7f](?:[^\x00-\x1f\x7f]*[^\x00-\x20\x7f])?$"


def _integral_float_to_int(value: object) -> object:
    # JSON Schema counts 12.0 as an integer; pydantic's strict mode would refuse it.
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _text(max_length: int, example: str) -> object:
    return Field(min_length=1, max_length=max_length, pattern=_TEXT, examples=[example])


class ShippingAddress(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, _text(100, "Ada Lovelace")]
    line1: Annotated[str, _text(200, "12 St James's Square")]
    city: Annotated[str, _text(100, "London")]
    postal_code: Annotated[
        str,
        Field(
            min_length=1,
            max_length=16,
            pattern=r"^[A-Za-z0-9](?:[A-Za-z0-9 -]{0,14}[A-Za-z0-9])?$",
            examples=["SW1Y 4LB"],
        ),
    ]
    country: Annotated[
        str,
        Field(
            pattern=r"^[A-Za-z]{2}$",
            description="ISO 3166-1 alpha-2 code (stored upper-case)",
            examples=["GB"],
        ),
        AfterValidator(str.upper),
    ]


class CheckoutRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    payment_method: str = Field(
        min_length=4,
        max_length=100,
        pattern=r"^pm_[A-Za-z0-9_-]+$",
        description="A payment method token from POST /api/payments/methods, or a test token",
        examples=["pm_card_visa"],
    )
    shipping_address: ShippingAddress
    # Strict: "2999" (a string), 29.99 and true are refused. The bounds come before the
    # validator, or they would not reach the JSON schema.
    expected_total_cents: (
        Annotated[int, Strict(), Field(ge=0, le=2**53), BeforeValidator(_integral_float_to_int)]
        | None
    ) = Field(
        default=None,
        description="The total the shopper was shown, in the cart's currency: if the cart's "
        "total at today's prices differs, the checkout is refused (409 `price_changed`, the "
        "new total in its details) and nothing is created",
        examples=[2999],
    )


class OrderItemOut(BaseModel):
    product_id: UUID
    name: str
    unit_price_cents: int
    quantity: int


class PaymentOut(BaseModel):
    status: PaymentStatus
    brand: str | None = None
    last4: str | None = None
    decline_reason: str | None = None


class StatusChangeOut(BaseModel):
    status: OrderStatus
    at: datetime
    reason: str | None = None


class OrderOut(BaseModel):
    id: UUID
    user_id: UUID
    status: OrderStatus
    items: list[OrderItemOut]
    total_cents: int
    currency: str
    payment: PaymentOut | None = Field(
        default=None, description="What the payment service reported, once it has"
    )
    cancel_reason: str | None = None
    shipping_address: ShippingAddress
    status_history: list[StatusChangeOut]
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, order: OrderDetail) -> "OrderOut":
        payment = None
        if order.payment_status is not None:
            payment = PaymentOut(
                status=order.payment_status,
                brand=order.payment_brand,
                last4=order.payment_last4,
                decline_reason=order.payment_decline_reason,
            )
        return cls(
            id=order.id,
            user_id=order.user_id,
            status=order.status,
            items=[
                OrderItemOut(
                    product_id=item.product_id,
                    name=item.name,
                    unit_price_cents=item.unit_price_cents,
                    quantity=item.quantity,
                )
                for item in order.items
            ],
            total_cents=order.total_cents,
            currency=order.currency,
            payment=payment,
            cancel_reason=order.cancel_reason,
            shipping_address=ShippingAddress.model_validate(order.shipping_address),
            status_history=[
                StatusChangeOut(status=change.status, at=change.at, reason=change.reason)
                for change in order.history
            ],
            created_at=order.created_at,
            updated_at=order.updated_at,
        )


class OrderPage(BaseModel):
    items: list[OrderOut]
    total: int
    limit: int
    offset: int
