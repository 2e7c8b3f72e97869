"""The analytics routes: admins only (checked here, not only at the gateway), ranges validated
with the shared error body, trends with every bucket, abandoned carts."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from analytics_service_tests_factories import Order, cart, line, window

ROUTES = [
    "/api/analytics/summary",
    "/api/analytics/sales",
    "/api/analytics/top-products",
    "/api/analytics/abandoned-carts",
]


@pytest.mark.parametrize("path", ROUTES)
async def test_a_customer_is_refused_with_403(client, customer, path):
    response = await client.get(path, headers=customer)

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"


@pytest.mark.parametrize("path", ROUTES)
async def test_no_token_is_refused_with_401(client, path):
    response = await client.get(path)

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


@pytest.mark.parametrize(
    ("path", "params", "code", "field"),
    [
        (
            "/api/analytics/summary",
            {"from": "2024-02-01T00:00:00Z", "to": "2024-01-01T00:00:00Z"},
            "invalid_range",
            "from",
        ),
        (
            "/api/analytics/summary",
            {"from": "2024-01-01T00:00:00Z", "to": "2024-01-01T00:00:00Z"},
            "invalid_range",
            "from",
        ),
        (
            "/api/analytics/summary",
            {"from": "2020-01-01T00:00:00Z", "to": "2024-01-01T00:00:00Z"},
            "range_too_long",
            "from",
        ),
        (
            "/api/analytics/sales",
            {"from": "2024-01-01T00:00:00Z", "to": "2024-03-01T00:00:00Z", "interval": "hour"},
            "range_too_long",
            "from",
        ),
        (
            "/api/analytics/sales",
            {"from": "2020-01-01T00:00:00Z", "to": "2024-01-01T00:00:00Z", "interval": "day"},
            "range_too_long",
            "from",
        ),
        ("/api/analytics/sales", {"from": "yesterday"}, "validation_error", "from"),
        ("/api/analytics/sales", {"interval": "week"}, "validation_error", "interval"),
        ("/api/analytics/summary", {"to": "0001-01-02T00:00:00Z"}, "invalid_range", "from"),
        ("/api/analytics/top-products", {"by": "profit"}, "validation_error", "by"),
        ("/api/analytics/top-products", {"limit": 0}, "validation_error", "limit"),
        ("/api/analytics/abandoned-carts", {"idle_minutes": 0}, "validation_error", "idle_minutes"),
    ],
)
async def test_bad_ranges_and_parameters_are_422_in_the_shared_error_format(
    client, admin, path, params, code, field
):
    response = await client.get(path, params=params, headers=admin)

    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == code
    assert error["message"]
    assert error["request_id"]
    assert field in {d["field"] for d in error["details"]}


async def test_the_daily_trend_fills_every_day_with_zero_where_nothing_sold(shop, client, admin):
    day = window()
    order = Order([line(uuid.uuid4(), 1, 1999)])
    await shop.deliver(order.created(), day + timedelta(days=2, hours=23, minutes=59))
    await shop.deliver(order.paid(), day + timedelta(days=3))

    response = await client.get(
        "/api/analytics/sales",
        params={
            "from": (day + timedelta(hours=5)).isoformat(),  # taken back to the day's start
            "to": (day + timedelta(days=5)).isoformat(),
            "interval": "day",
        },
        headers=admin,
    )

    assert response.status_code == 200
    assert response.json() == [
        {
            "bucket": (day + timedelta(days=n)).isoformat().replace("+00:00", "Z"),
            "revenue_cents": 1999 if n == 2 else 0,
            "orders": 1 if n == 2 else 0,
            "paid_orders": 1 if n == 2 else 0,
        }
        for n in range(5)
    ]


async def test_an_empty_range_has_zero_figures_and_no_division_by_zero(client, admin):
    day = window()
    response = await client.get(
        "/api/analytics/summary",
        params={"from": day.isoformat(), "to": (day + timedelta(hours=1)).isoformat()},
        headers=admin,
    )

    assert response.status_code == 200
    body = response.json()
    assert body["orders"] == body["revenue_cents"] == body["average_order_value_cents"] == 0
    assert body["from"].startswith(day.strftime("%Y-%m-%dT%H"))


async def test_abandoned_carts_are_carts_with_items_left_idle_and_not_followed_by_an_order(
    shop, client, admin
):
    now = datetime.now(UTC)
    lamp = uuid.uuid4()
    idle, ordered, recent, emptied, late = (uuid.uuid4() for _ in range(5))
    # Idle for three hours, never ordered: abandoned (worth 3 * 33,333).
    await shop.deliver(cart(idle, [(lamp, 3, 33_333)]), now - timedelta(hours=3))
    # Idle, but an order came after the last change: not abandoned.
    await shop.deliver(cart(ordered, [(lamp, 1, 33_333)]), now - timedelta(hours=3))
    await shop.deliver(
        Order([line(lamp, 1, 33_333)], user_id=ordered).created(), now - timedelta(hours=2)
    )
    # Changed ten minutes ago: not idle long enough.
    await shop.deliver(cart(recent, [(lamp, 2, 33_333)]), now - timedelta(minutes=10))
    # Emptied later: nothing left in it. The emptying arrives first (out of order).
    await shop.deliver(cart(emptied, []), now - timedelta(hours=2))
    await shop.deliver(cart(emptied, [(lamp, 5, 33_333)]), now - timedelta(hours=3))
    # The older change arrives last and does not overwrite the newer one.
    await shop.deliver(cart(late, [(lamp, 4, 33_333)]), now - timedelta(hours=2))
    await shop.deliver(cart(late, [(lamp, 1, 33_333)]), now - timedelta(hours=4))

    response = await client.get(
        "/api/analytics/abandoned-carts", params={"idle_minutes": 60, "limit": 500}, headers=admin
    )

    assert response.status_code == 200
    body = response.json()
    carts = {c["user_id"]: c for c in body["carts"]}
    assert carts[str(idle)]["item_count"] == 3
    assert carts[str(idle)]["value_cents"] == 99_999
    assert carts[str(late)]["item_count"] == 4
    assert carts[str(late)]["value_cents"] == 4 * 33_333
    assert str(ordered) not in carts and str(recent) not in carts and str(emptied) not in carts
    assert body["count"] >= 2
    assert body["value_cents"] >= 99_999 + 4 * 33_333
    # With a shorter idle time the recent cart counts too.
    shorter = await client.get(
        "/api/analytics/abandoned-carts", params={"idle_minutes": 5, "limit": 500}, headers=admin
    )
    assert str(recent) in {c["user_id"] for c in shorter.json()["carts"]}
