"""A scripted day of a shop, delivered out of order and with a duplicate, gives exactly the
expected figures; and the rebuild from the stored events gives exactly what the consumer kept."""

import uuid
from datetime import timedelta
from typing import Any

from analytics_service_tests_factories import Order, envelope, line, product, window
from shop_contracts.events import StockInsufficient, StockShortage


async def script_a_day(shop: Any) -> dict[str, Any]:
    day = window()
    at = lambda hours, minutes=0: day + timedelta(hours=hours, minutes=minutes)  # noqa: E731
    lamp, bulb, desk = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    regular = uuid.uuid4()

    # Paid: two lamps and a bulb. Its payment.success is delivered twice.
    a = Order([line(lamp, 2, 2500), line(bulb, 1, 500, name="Bulb")], user_id=regular)
    await shop.deliver(a.created(), at(10, 5))
    paid_twice = envelope(a.paid(), at(10, 6))
    assert await shop.deliver(paid_twice) is True
    assert await shop.deliver(paid_twice) is False
    await shop.deliver(a.order_paid(), at(10, 6))

    # Declined.
    b = Order([line(lamp, 1, 3000)])
    await shop.deliver(b.created(), at(11))
    await shop.deliver(b.declined(), at(11, 1))
    await shop.deliver(b.cancelled("card_declined"), at(11, 1))

    # Paid, then refunded (out of stock).
    c = Order([line(lamp, 1, 2500)])
    await shop.deliver(c.created(), at(12))
    await shop.deliver(c.paid(), at(12, 1))
    await shop.deliver(c.order_paid(), at(12, 1))
    short = StockInsufficient(
        order_id=c.order_id, items=[StockShortage(product_id=lamp, requested=1, available=0)]
    )
    await shop.deliver(short, at(12, 1))
    await shop.deliver(c.refunded(), at(12, 2))
    await shop.deliver(c.cancelled("out_of_stock"), at(12, 2))

    # Cancelled by its customer while pending.
    d = Order([line(bulb, 3, 400, name="Bulb")])
    await shop.deliver(d.created(), at(13))
    await shop.deliver(d.cancelled(), at(13, 5))

    # Out of order: the payment and order.paid arrive before order.created.
    e = Order([line(desk, 1, 4000, name="Desk")])
    await shop.deliver(e.paid(), at(14, 1))
    await shop.deliver(e.order_paid(), at(14, 1))
    await shop.deliver(e.created(), at(14))

    # The regular customer again.
    f = Order([line(bulb, 1, 500, name="Bulb")], user_id=regular)
    await shop.deliver(f.created(), at(15))
    await shop.deliver(f.paid(), at(15))

    # Out of order: the refund arrives before the payment it refunds.
    g = Order([line(desk, 2, 4000, name="Desk")])
    await shop.deliver(g.created(), at(16))
    await shop.deliver(g.refunded(), at(16, 2))
    await shop.deliver(g.paid(), at(16, 1))

    # Names: the catalog's latest (the update, delivered before the creation) beats the
    # order lines' "Lamp"; the bulb is known only from order lines.
    await shop.deliver(product(lamp, "Desk lamp, brass", updated=True), at(9, 30))
    await shop.deliver(product(lamp, "Desk lamp"), at(9))
    return {"day": day, "lamp": lamp, "bulb": bulb, "desk": desk}


def day_range(day) -> dict[str, str]:
    return {"from": day.isoformat(), "to": (day + timedelta(days=1)).isoformat()}


async def test_a_scripted_day_gives_exactly_the_expected_figures(shop, client, admin):
    script = await script_a_day(shop)

    response = await client.get(
        "/api/analytics/summary", params=day_range(script["day"]), headers=admin
    )

    assert response.status_code == 200
    figures = response.json()
    assert {k: v for k, v in figures.items() if k not in ("from", "to")} == {
        "orders": 7,
        "paid_orders": 3,  # a, e, f
        "cancelled_orders": 4,  # declined b, refunded c, cancelled d, refunded g
        "revenue_cents": 5500 + 4000 + 500,
        "average_order_value_cents": 3333,
        "customers": 2,  # the regular (a, f) and e's customer
        "payment_failures": 1,
        "refunds": 2,
        "refunded_cents": 2500 + 8000,
        "units_sold": 3 + 1 + 1,
        "currency": "USD",
    }


async def test_the_hourly_trend_places_each_order_in_the_hour_it_was_placed(shop, client, admin):
    script = await script_a_day(shop)

    response = await client.get(
        "/api/analytics/sales",
        params={**day_range(script["day"]), "interval": "hour"},
        headers=admin,
    )

    assert response.status_code == 200
    buckets = response.json()
    assert len(buckets) == 24
    by_hour = {int(b["bucket"][11:13]): (b["revenue_cents"], b["orders"]) for b in buckets}
    assert by_hour[10] == (5500, 1)
    assert by_hour[11] == (0, 1)
    assert by_hour[12] == (0, 1)
    assert by_hour[14] == (4000, 1)
    assert by_hour[16] == (0, 1)
    assert by_hour[3] == (0, 0)
    assert sum(r for r, _ in by_hour.values()) == 10000


async def test_top_products_count_only_orders_that_stand_paid_with_the_catalogs_name(
    shop, client, admin
):
    script = await script_a_day(shop)

    response = await client.get(
        "/api/analytics/top-products", params={"limit": 100, "by": "units"}, headers=admin
    )

    assert response.status_code == 200
    mine = {p["product_id"]: p for p in response.json()}
    assert mine[str(script["lamp"])] == {
        "product_id": str(script["lamp"]),
        "name": "Desk lamp, brass",
        "units": 2,
        "revenue_cents": 5000,
    }
    assert mine[str(script["bulb"])]["name"] == "Bulb"
    assert (mine[str(script["bulb"])]["units"], mine[str(script["bulb"])]["revenue_cents"]) == (
        2,
        1000,
    )
    assert (mine[str(script["desk"])]["units"], mine[str(script["desk"])]["revenue_cents"]) == (
        1,
        4000,
    )


async def test_rebuild_from_the_stored_events_gives_exactly_what_the_consumer_kept(
    shop, client, admin
):
    script = await script_a_day(shop)
    live = await shop.derived()
    summary_live = (
        await client.get("/api/analytics/summary", params=day_range(script["day"]), headers=admin)
    ).json()

    await shop.rebuild()

    assert await shop.derived() == live
    summary_rebuilt = (
        await client.get("/api/analytics/summary", params=day_range(script["day"]), headers=admin)
    ).json()
    assert summary_rebuilt == summary_live
    # Events after the rebuild apply on top of it as usual.
    late = Order([line(script["desk"], 1, 4000, name="Desk")])
    await shop.deliver(late.created(), script["day"] + timedelta(hours=20))
    await shop.deliver(late.paid(), script["day"] + timedelta(hours=20))
    after = (
        await client.get("/api/analytics/summary", params=day_range(script["day"]), headers=admin)
    ).json()
    assert after["revenue_cents"] == summary_live["revenue_cents"] + 4000
