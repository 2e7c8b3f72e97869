"""GET /api/payments: a customer sees only their own payments, an admin everyone's; and the
admin-only processor switch."""

import uuid

import pytest


async def test_a_customer_lists_their_own_payments_newest_first(shop, client):
    customer = shop.customer()
    first = await shop.charge(customer)
    second = await shop.charge(customer, payment_method="pm_card_chargeDeclined")

    response = await client.get("/api/payments", headers=customer.headers)
    assert response.status_code == 200
    body = response.json()
    assert [p["order_id"] for p in body] == [str(second.order_id), str(first.order_id)]
    declined, approved = body
    assert set(approved) == {
        "id",
        "order_id",
        "amount_cents",
        "currency",
        "status",
        "brand",
        "last4",
        "decline_reason",
        "created_at",
    }
    assert approved["status"] == "APPROVED"
    assert (approved["brand"], approved["last4"]) == ("visa", "4242")
    assert (approved["amount_cents"], approved["currency"]) == (first.total_cents, "USD")
    assert approved["decline_reason"] is None
    assert (declined["status"], declined["decline_reason"]) == ("DECLINED", "card_declined")


async def test_payments_can_be_filtered_by_order(shop, client):
    customer = shop.customer()
    await shop.charge(customer)
    wanted = await shop.charge(customer)

    response = await client.get(
        "/api/payments", params={"order_id": str(wanted.order_id)}, headers=customer.headers
    )
    assert [p["order_id"] for p in response.json()] == [str(wanted.order_id)]


async def test_a_customer_never_sees_another_customers_payments(shop, client):
    owner, other = shop.customer(), shop.customer()
    order = await shop.charge(owner)
    [payment] = (await client.get("/api/payments", headers=owner.headers)).json()

    assert (await client.get("/api/payments", headers=other.headers)).json() == []
    by_order = await client.get(
        "/api/payments", params={"order_id": str(order.order_id)}, headers=other.headers
    )
    assert by_order.json() == []
    one = await client.get(f"/api/payments/{payment['id']}", headers=other.headers)
    assert one.status_code == 404
    assert one.json()["error"]["code"] == "payment_not_found"


async def test_a_customer_reads_one_of_their_payments(shop, client):
    owner = shop.customer()
    order = await shop.charge(owner)
    [payment] = (await client.get("/api/payments", headers=owner.headers)).json()
    one = await client.get(f"/api/payments/{payment['id']}", headers=owner.headers)
    assert one.status_code == 200
    assert one.json() == payment
    assert one.json()["order_id"] == str(order.order_id)


async def test_an_admin_sees_every_customers_payments(shop, client):
    admin = shop.admin()
    orders = [await shop.charge(shop.customer()) for _ in range(2)]
    for order in orders:
        response = await client.get(
            "/api/payments", params={"order_id": str(order.order_id)}, headers=admin.headers
        )
        [payment] = response.json()
        assert payment["order_id"] == str(order.order_id)
        one = await client.get(f"/api/payments/{payment['id']}", headers=admin.headers)
        assert one.status_code == 200
    everything = await client.get("/api/payments", params={"limit": 100}, headers=admin.headers)
    assert {str(o.order_id) for o in orders} <= {p["order_id"] for p in everything.json()}


async def test_an_unknown_payment_is_404_and_a_malformed_id_is_422(shop, client):
    customer = shop.customer()
    missing = await client.get(f"/api/payments/{uuid.uuid4()}", headers=customer.headers)
    assert missing.status_code == 404
    malformed = await client.get("/api/payments/not-a-uuid", headers=customer.headers)
    assert malformed.status_code == 422
    assert malformed.json()["error"]["details"][0]["field"] == "payment_id"


@pytest.mark.parametrize(
    "params", [{"limit": 0}, {"limit": 101}, {"offset": -1}, {"order_id": "nope"}]
)
async def test_bad_list_parameters_are_422_naming_them(shop, client, params):
    response = await client.get("/api/payments", params=params, headers=shop.customer().headers)
    assert response.status_code == 422
    assert [d["field"] for d in response.json()["error"]["details"]] == list(params)


async def test_listing_payments_needs_a_signed_in_user(client):
    response = await client.get("/api/payments")
    assert response.status_code == 401


async def test_the_processor_switch_starts_from_the_settings(shop, client, settings):
    response = await client.get("/api/payments/processor", headers=shop.admin().headers)
    assert response.status_code == 200
    assert response.json() == {
        "decline_rate": settings.decline_rate,
        "processing_delay_ms": settings.processing_delay_ms,
        "source": "settings",
        "updated_at": None,
        "updated_by": None,
    }


async def test_an_admin_changes_the_processor_switch_and_resets_it(shop, client, switch):
    admin = shop.admin()
    changed = await client.put(
        "/api/payments/processor",
        json={"decline_rate": 0.25, "processing_delay_ms": 150},
        headers=admin.headers,
    )
    assert changed.status_code == 200
    body = changed.json()
    assert (body["decline_rate"], body["processing_delay_ms"]) == (0.25, 150)
    assert (body["source"], body["updated_by"]) == ("admin", str(admin.id))
    assert body["updated_at"] is not None
    read = await client.get("/api/payments/processor", headers=admin.headers)
    assert read.json() == body

    reset = await client.delete("/api/payments/processor", headers=admin.headers)
    assert reset.status_code == 200
    assert reset.json()["source"] == "settings"
    assert (await client.get("/api/payments/processor", headers=admin.headers)).json()[
        "source"
    ] == "settings"


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
async def test_the_processor_switch_is_admin_only(shop, client, method):
    response = await client.request(
        method,
        "/api/payments/processor",
        json={"decline_rate": 1.0, "processing_delay_ms": 0} if method == "PUT" else None,
        headers=shop.customer().headers,
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"
    anonymous = await client.request(method, "/api/payments/processor")
    assert anonymous.status_code == 401


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"decline_rate": 1.5, "processing_delay_ms": 0}, "decline_rate"),
        ({"decline_rate": -0.1, "processing_delay_ms": 0}, "decline_rate"),
        ({"decline_rate": 0.5, "processing_delay_ms": -5}, "processing_delay_ms"),
        ({"decline_rate": 0.5, "processing_delay_ms": 999_999}, "processing_delay_ms"),
        ({"decline_rate": 0.5}, "processing_delay_ms"),
        ({"decline_rate": 0.5, "processing_delay_ms": 0, "mode": "chaos"}, "mode"),
    ],
)
async def test_the_processor_switch_refuses_bad_values_naming_the_field(shop, client, body, field):
    response = await client.put("/api/payments/processor", json=body, headers=shop.admin().headers)
    assert response.status_code == 422
    assert [d["field"] for d in response.json()["error"]["details"]] == [field]
