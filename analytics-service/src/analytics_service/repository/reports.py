"""What the dashboard reads: only roll-ups (`sales_hours`, `customer_hours`, `product_sales`,
`carts`), so a report's cost grows with the hours or products it covers, not with the events
stored. docs/analytics.md defines each figure."""

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

import asyncpg


@dataclass(frozen=True, slots=True)
class Summary:
    revenue_cents: int
    orders: int
    paid_orders: int
    cancelled_orders: int
    average_order_value_cents: int
    customers: int
    payment_failures: int
    refunds: int
    refunded_cents: int
    units_sold: int


@dataclass(frozen=True, slots=True)
class SalesBucket:
    bucket: datetime
    revenue_cents: int
    orders: int
    paid_orders: int


@dataclass(frozen=True, slots=True)
class TopProduct:
    product_id: uuid.UUID
    name: str
    units: int
    revenue_cents: int


@dataclass(frozen=True, slots=True)
class AbandonedCart:
    user_id: uuid.UUID
    item_count: int
    value_cents: int
    last_activity: datetime


@dataclass(frozen=True, slots=True)
class AbandonedCarts:
    count: int
    value_cents: int
    carts: list[AbandonedCart]


_SUMMARY = """
SELECT coalesce(sum(revenue_cents), 0)::bigint AS revenue_cents,
       coalesce(sum(orders), 0)::bigint AS orders,
       coalesce(sum(paid_orders), 0)::bigint AS paid_orders,
       coalesce(sum(cancelled_orders), 0)::bigint AS cancelled_orders,
       coalesce(sum(payment_failures), 0)::bigint AS payment_failures,
       coalesce(sum(refunds), 0)::bigint AS refunds,
       coalesce(sum(refunded_cents), 0)::bigint AS refunded_cents,
       coalesce(sum(units), 0)::bigint AS units_sold,
       (SELECT count(DISTINCT user_id) FROM customer_hours
        WHERE hour >= $1 AND hour < $2 AND paid_orders > 0) AS customers
FROM sales_hours WHERE hour >= $1 AND hour < $2
"""


def average(total: int, count: int) -> int:
    """total / count rounded half up (0 for no count)."""
    return (2 * total + count) // (2 * count) if count else 0


async def summary(conn: asyncpg.Connection, start: datetime, end: datetime) -> Summary:
    row = await conn.fetchrow(_SUMMARY, start, end)
    return Summary(
        revenue_cents=row["revenue_cents"],
        orders=row["orders"],
        paid_orders=row["paid_orders"],
        cancelled_orders=row["cancelled_orders"],
        average_order_value_cents=average(row["revenue_cents"], row["paid_orders"]),
        customers=row["customers"],
        payment_failures=row["payment_failures"],
        refunds=row["refunds"],
        refunded_cents=row["refunded_cents"],
        units_sold=row["units_sold"],
    )


# Buckets are laid from the Unix epoch in whole seconds, so a day is a UTC day whatever the
# session's time zone.
_SALES = """
WITH filled AS (
    SELECT date_bin($3 * interval '1 second', hour, 'epoch'::timestamptz) AS bucket,
           sum(revenue_cents) AS revenue_cents, sum(orders) AS orders,
           sum(paid_orders) AS paid_orders
    FROM sales_hours WHERE hour >= $1 AND hour < $2
    GROUP BY 1
)
SELECT g.bucket, coalesce(f.revenue_cents, 0)::bigint AS revenue_cents,
       coalesce(f.orders, 0)::bigint AS orders, coalesce(f.paid_orders, 0)::bigint AS paid_orders
FROM generate_series($1, $2 - $3 * interval '1 second', $3 * interval '1 second') AS g(bucket)
LEFT JOIN filled f USING (bucket)
ORDER BY g.bucket
"""


async def sales(
    conn: asyncpg.Connection, start: datetime, end: datetime, step: timedelta
) -> list[SalesBucket]:
    """One bucket per `step` from `start` (aligned) to `end`, those without sales included."""
    found = await conn.fetch(_SALES, start, end, int(step.total_seconds()))
    return [
        SalesBucket(r["bucket"], r["revenue_cents"], r["orders"], r["paid_orders"]) for r in found
    ]


_TOP = """
SELECT s.product_id, coalesce(n.name, 'Unknown product') AS name, s.units, s.revenue_cents
FROM product_sales s LEFT JOIN product_names n USING (product_id)
WHERE s.units > 0
ORDER BY {order}, s.product_id
LIMIT $1
"""
_TOP_BY_REVENUE = _TOP.format(order="s.revenue_cents DESC, s.units DESC")
_TOP_BY_UNITS = _TOP.format(order="s.units DESC, s.revenue_cents DESC")


async def top_products(conn: asyncpg.Connection, *, limit: int, by_units: bool) -> list[TopProduct]:
    found = await conn.fetch(_TOP_BY_UNITS if by_units else _TOP_BY_REVENUE, limit)
    return [TopProduct(r["product_id"], r["name"], r["units"], r["revenue_cents"]) for r in found]


# A cart is abandoned when it has items, was last changed before the cut-off, and its customer
# has placed no order since that change.
_ABANDONED = """
SELECT user_id, item_count, value_cents, updated_at,
       count(*) OVER () AS total, sum(value_cents) OVER () AS total_value
FROM carts
WHERE item_count > 0 AND updated_at < $1
  AND (last_order_at IS NULL OR last_order_at < updated_at)
ORDER BY value_cents DESC, updated_at, user_id
LIMIT $2
"""


async def abandoned_carts(
    conn: asyncpg.Connection, *, idle_since: datetime, limit: int
) -> AbandonedCarts:
    found = await conn.fetch(_ABANDONED, idle_since, limit)
    return AbandonedCarts(
        count=found[0]["total"] if found else 0,
        value_cents=int(found[0]["total_value"]) if found else 0,
        carts=[
            AbandonedCart(r["user_id"], r["item_count"], r["value_cents"], r["updated_at"])
            for r in found
        ],
    )
