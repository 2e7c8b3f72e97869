"""POST /api/orders/{id}/ship (admin, PAID → SHIPPED) and /cancel (owner or admin,
PENDING → CANCELLED); 409 from any other state."""

import uuid

from order_service_tests_factories import payment_failed, payment_succeeded
from shop_contracts.events import OrderCancelled, OrderShipped


async def test_admin_ships_a_paid_order_and_order_shipped_is_emitted(shop):
    order = await shop.paid_order()

    response = await shop.client.post(
        f"/api/orders/{order['id']}/ship", headers=shop.admin().headers
    )

    assert response.status_code == 200
    shipped = response.json()
    assert shipped["status"] == "SHIPPED"
    assert [h["status"] for h in shipped["status_history"]] == ["PENDING", "PAID", "SHIPPED"]
    [envelope] = await shop.events(order["id"], "order.shipped")
    event = OrderShipped.model_validate(envelope.data)
    assert (str(event.order_id), event.total_cents) == (order["id"], order["total_cents"])


async def test_shipping_is_refused_from_every_state_but_paid(shop):
    admin = shop.admin()
    pending = await shop.place_order()
    cancelled = await shop.place_order()
    await shop.deliver(payment_failed(cancelled))
    shipped = await shop.paid_order()
    assert (
        await shop.client.post(f"/api/orders/{shipped['id']}/ship", headers=admin.headers)
    ).status_code == 200

    for order, status in ((pending, "PENDING"), (cancelled, "CANCELLED"), (shipped, "SHIPPED")):
        response = await shop.client.post(f"/api/orders/{order['id']}/ship", headers=admin.headers)
        assert response.status_code == 409, status
        error = response.json()["error"]
        assert error["code"] == "invalid_transition"
        assert status in error["message"]
        assert (await shop.order(order["id"]))["status"] == status
    assert len(await shop.events(shipped["id"], "order.shipped")) == 1


async def test_customers_cannot_ship(shop):
    customer = shop.customer()
    order = await shop.paid_order(customer)

    response = await shop.client.post(f"/api/orders/{order['id']}/ship", headers=customer.headers)

    assert response.status_code == 403
    assert (await shop.order(order["id"]))["status"] == "PAID"


async def test_shipping_an_unknown_order_is_not_found(shop):
    response = await shop.client.post(
        f"/api/orders/{uuid.uuid4()}/ship", headers=shop.admin().headers
    )

    assert response.status_code == 404


async def test_customer_cancels_their_pending_order(shop):
    customer = shop.customer()
    order = await shop.place_order(customer)

    response = await shop.client.post(f"/api/orders/{order['id']}/cancel", headers=customer.headers)

    assert response.status_code == 200
    cancelled = response.json()
    assert cancelled["status"] == "CANCELLED"
    assert cancelled["cancel_reason"] == "cancelled_by_customer"
    assert cancelled["status_history"][-1]["reason"] == "cancelled_by_customer"
    [envelope] = await shop.events(order["id"], "order.cancelled")
    assert OrderCancelled.model_validate(envelope.data).reason == "cancelled_by_customer"


async def test_cancelling_twice_or_after_payment_is_a_conflict(shop):
    customer = shop.customer()
    pending = await shop.place_order(customer)
    paid = await shop.paid_order(customer)
    assert (
        await shop.client.post(f"/api/orders/{pending['id']}/cancel", headers=customer.headers)
    ).status_code == 200

    again = await shop.client.post(f"/api/orders/{pending['id']}/cancel", headers=customer.headers)
    too_late = await shop.client.post(f"/api/orders/{paid['id']}/cancel", headers=customer.headers)

    assert again.status_code == too_late.status_code == 409
    assert again.json()["error"]["code"] == too_late.json()["error"]["code"] == "invalid_transition"
    assert (await shop.order(paid["id"]))["status"] == "PAID"
    assert len(await shop.events(pending["id"], "order.cancelled")) == 1


async def test_customer_cannot_cancel_someone_elses_order(shop):
    order = await shop.place_order()
    stranger = shop.customer()

    response = await shop.client.post(f"/api/orders/{order['id']}/cancel", headers=stranger.headers)

    assert response.status_code == 404
    assert (await shop.order(order["id"]))["status"] == "PENDING"


async def test_admin_cancels_a_customers_pending_order(shop):
    order = await shop.place_order()

    response = await shop.client.post(
        f"/api/orders/{order['id']}/cancel", headers=shop.admin().headers
    )

    assert response.status_code == 200
    assert response.json()["cancel_reason"] == "cancelled_by_admin"


async def test_payment_after_a_customer_cancel_leaves_the_order_cancelled(shop):
    customer = shop.customer()
    order = await shop.place_order(customer)
    await shop.client.post(f"/api/orders/{order['id']}/cancel", headers=customer.headers)

    await shop.deliver(payment_succeeded(order))

    final = await shop.order(order["id"])
    assert final["status"] == "CANCELLED"
    assert final["payment"]["status"] == "APPROVED"  # recorded, for an operator to refund
    assert await shop.events(order["id"], "order.paid") == []
