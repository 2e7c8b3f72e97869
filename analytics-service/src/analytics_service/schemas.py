"""Response models of the analytics routes (API.md, Analytics). Money in cents, times UTC."""

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field


class _Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class SummaryOut(_Out):
    revenue_cents: int = Field(description="Paid orders, net of refunds and cancellations")
    orders: int = Field(description="Orders placed, whatever became of them")
    paid_orders: int = Field(description="Orders that stand paid (not refunded or cancelled)")
    cancelled_orders: int = Field(description="Orders declined, cancelled or refunded")
    average_order_value_cents: int = Field(description="revenue_cents / paid_orders")
    customers: int = Field(description="Distinct customers with a paid order")
    payment_failures: int = Field(description="Orders whose payment was declined")
    refunds: int = Field(description="Orders refunded")
    refunded_cents: int = Field(description="Money refunded on those orders")
    units_sold: int = Field(description="Items in the paid orders")
    currency: str = "USD"
    from_: datetime = Field(alias="from", description="Start of the range (hour-aligned)")
    to: datetime = Field(description="End of the range, exclusive (hour-aligned)")

    model_config = ConfigDict(from_attributes=True, populate_by_name=True)


class SalesBucketOut(_Out):
    bucket: datetime = Field(description="Start of the hour or UTC day")
    revenue_cents: int
    orders: int
    paid_orders: int


class TopProductOut(_Out):
    product_id: uuid.UUID
    name: str
    units: int
    revenue_cents: int


class AbandonedCartOut(_Out):
    user_id: uuid.UUID
    item_count: int
    value_cents: int
    last_activity: datetime


class AbandonedCartsOut(_Out):
    count: int = Field(description="Abandoned carts (all of them, not only those listed)")
    value_cents: int = Field(description="Their value together")
    carts: list[AbandonedCartOut] = Field(description="The most valuable first, up to `limit`")
