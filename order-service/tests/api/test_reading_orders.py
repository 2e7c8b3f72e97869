"""GET /api/orders and /api/orders/{id}: customers see their own orders, admins anyone's."""

import uuid

from order_service_tests_factories import payment_failed


async def test_customer_reads_their_own_order(shop):
    customer = shop.customer()
    order = await shop.place_order(customer)

    response = await shop.client.get(f"/api/orders/{order['id']}", headers=customer.headers)

    assert response.status_code == 200
    assert response.json() == order


async def test_another_customers_order_is_not_found(shop):
    order = await shop.place_order()
    stranger = shop.customer()

    response = await shop.client.get(f"/api/orders/{order['id']}", headers=stranger.headers)

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "order_not_found"


async def test_missing_and_malformed_order_ids_are_refused(shop):
    customer = shop.customer()

    missing = await shop.client.get(f"/api/orders/{uuid.uuid4()}", headers=customer.headers)
    malformed = await shop.client.get("/api/orders/not-a-uuid", headers=customer.headers)

    assert missing.status_code == 404
    assert malformed.status_code == 422
    assert malformed.json()["error"]["details"][0]["field"] == "order_id"


async def test_admin_reads_any_order(shop):
    order = await shop.place_order()

    response = await shop.client.get(f"/api/orders/{order['id']}", headers=shop.admin().headers)

    assert response.status_code == 200
    assert response.json()["id"] == order["id"]


async def test_list_shows_only_the_callers_orders_newest_first(shop):
    customer = shop.customer()
    placed = [await shop.place_order(customer) for _ in range(3)]
    await shop.place_order()  # someone else's

    response = await shop.client.get("/api/orders", headers=customer.headers)

    assert response.status_code == 200
    page = response.json()
    assert page["total"] == 3
    assert (page["limit"], page["offset"]) == (20, 0)
    assert [o["id"] for o in page["items"]] == [o["id"] for o in reversed(placed)]
    assert page["items"][0] == placed[-1]


async def test_list_is_paginated(shop):
    customer = shop.customer()
    placed = [await shop.place_order(customer) for _ in range(5)]
    newest_first = [o["id"] for o in reversed(placed)]

    pages = [
        (
            await shop.client.get(f"/api/orders?limit=2&offset={offset}", headers=customer.headers)
        ).json()
        for offset in (0, 2, 4)
    ]

    assert [[o["id"] for o in p["items"]] for p in pages] == [
        newest_first[0:2],
        newest_first[2:4],
        newest_first[4:5],
    ]
    assert {p["total"] for p in pages} == {5}
    assert [(p["limit"], p["offset"]) for p in pages] == [(2, 0), (2, 2), (2, 4)]


async def test_list_limits_are_bounded(shop):
    customer = shop.customer()

    too_many = await shop.client.get("/api/orders?limit=101", headers=customer.headers)
    negative = await shop.client.get("/api/orders?offset=-1", headers=customer.headers)

    assert too_many.status_code == negative.status_code == 422
    assert too_many.json()["error"]["details"][0]["field"] == "limit"
    assert negative.json()["error"]["details"][0]["field"] == "offset"


async def test_admin_lists_everyones_orders_and_filters_by_status(shop):
    admin = shop.admin()
    pending = await shop.place_order()
    cancelled = await shop.place_order()
    await shop.deliver(payment_failed(cancelled))

    everyone = (
        await shop.client.get("/api/orders?all=true&limit=100", headers=admin.headers)
    ).json()
    only_cancelled = (
        await shop.client.get(
            "/api/orders?all=true&status=CANCELLED&limit=100", headers=admin.headers
        )
    ).json()

    assert {pending["id"], cancelled["id"]} <= {o["id"] for o in everyone["items"]}
    assert everyone["total"] >= 2
    assert cancelled["id"] in {o["id"] for o in only_cancelled["items"]}
    assert pending["id"] not in {o["id"] for o in only_cancelled["items"]}
    assert {o["status"] for o in only_cancelled["items"]} == {"CANCELLED"}
    assert only_cancelled["total"] < everyone["total"]


async def test_admin_without_all_sees_only_their_own_orders(shop):
    admin = shop.admin()
    own = await shop.place_order(admin)
    await shop.place_order()

    page = (await shop.client.get("/api/orders", headers=admin.headers)).json()

    assert [o["id"] for o in page["items"]] == [own["id"]]


async def test_customer_cannot_list_everyones_orders(shop):
    response = await shop.client.get("/api/orders?all=true", headers=shop.customer().headers)

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"


async def test_unknown_status_filter_is_refused(shop):
    response = await shop.client.get("/api/orders?status=LOST", headers=shop.customer().headers)

    assert response.status_code == 422
    assert response.json()["error"]["details"][0]["field"] == "status"


async def test_reading_orders_needs_a_token(shop):
    listing = await shop.client.get("/api/orders")
    one = await shop.client.get(f"/api/orders/{uuid.uuid4()}")

    assert listing.status_code == one.status_code == 401
    assert listing.headers["WWW-Authenticate"] == "Bearer"
