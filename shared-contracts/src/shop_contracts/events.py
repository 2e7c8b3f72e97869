"""Every event of EVENTS.md as a typed model. Names are past tense; money in minor units."""

from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from shop_contracts.enums import Role, StockChangeReason
from shop_contracts.envelope import Event


class _Item(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class UserRegistered(Event):
    TYPE = "user.registered"
    user_id: UUID
    username: str
    email: str
    role: Role


class _ProductFields(Event):
    product_id: UUID
    name: str
    description: str = ""
    price_cents: int = Field(gt=0)
    currency: str = "USD"
    category: str
    image_url: str | None = None


class ProductCreated(_ProductFields):
    TYPE = "product.created"
    stock: int = Field(default=0, ge=0)


class ProductUpdated(_ProductFields):
    TYPE = "product.updated"


class ProductDeleted(Event):
    TYPE = "product.deleted"
    product_id: UUID


class CartLine(_Item):
    product_id: UUID
    quantity: int = Field(gt=0)
    unit_price_cents: int = Field(ge=0)


class CartUpdated(Event):
    TYPE = "cart.updated"
    user_id: UUID
    items: list[CartLine]
    total_cents: int = Field(ge=0)


class OrderLine(_Item):
    product_id: UUID
    name: str
    quantity: int = Field(gt=0)
    unit_price_cents: int = Field(ge=0)


class OrderCreated(Event):
    TYPE = "order.created"
    order_id: UUID
    user_id: UUID
    items: list[OrderLine] = Field(min_length=1)
    total_cents: int = Field(ge=0)
    currency: str = "USD"
    payment_method: str


class PaymentSucceeded(Event):
    TYPE = "payment.success"
    payment_id: UUID
    order_id: UUID
    user_id: UUID
    amount_cents: int = Field(ge=0)
    currency: str = "USD"
    brand: str
    last4: str = Field(pattern=r"^\d{4}$")
    items: list[OrderLine]


class PaymentFailed(Event):
    TYPE = "payment.failed"
    payment_id: UUID
    order_id: UUID
    user_id: UUID
    amount_cents: int = Field(ge=0)
    reason: str


class PaymentRefunded(Event):
    TYPE = "payment.refunded"
    payment_id: UUID
    order_id: UUID
    amount_cents: int = Field(ge=0)
    reason: str


class StockUpdated(Event):
    TYPE = "stock.updated"
    product_id: UUID
    stock: int = Field(ge=0)
    delta: int
    reason: StockChangeReason
    order_id: UUID | None = None


class StockShortage(_Item):
    product_id: UUID
    requested: int = Field(gt=0)
    available: int = Field(ge=0)


class StockInsufficient(Event):
    TYPE = "stock.insufficient"
    order_id: UUID
    items: list[StockShortage] = Field(min_length=1)


class _OrderStatusChanged(Event):
    order_id: UUID
    user_id: UUID
    total_cents: int = Field(ge=0)
    reason: str | None = None


class OrderPaid(_OrderStatusChanged):
    TYPE = "order.paid"


class OrderShipped(_OrderStatusChanged):
    TYPE = "order.shipped"


class OrderCancelled(_OrderStatusChanged):
    TYPE = "order.cancelled"
