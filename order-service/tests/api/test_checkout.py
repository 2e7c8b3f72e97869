"""POST /api/orders: the caller's cart becomes a PENDING order and an order.created event."""

import asyncio
import uuid

from order_service_tests_factories import cart_line, checkout_body, shipping_address
from shop_contracts.events import OrderCreated
from sqlalchemy import text


async def test_checkout_snapshots_the_cart_into_a_pending_order(shop):
    customer = shop.customer()
    lines = shop.fill_cart(
        customer,
        cart_line("Blue mug", unit_price_cents=1_250, quantity=2),
        cart_line("Tea towel", unit_price_cents=499, quantity=1),
    )

    response = await shop.checkout(customer)

    assert response.status_code == 201, response.text
    order = response.json()
    assert order["status"] == "PENDING"
    assert order["user_id"] == str(customer.user_id)
    assert order["items"] == [
        {
            "product_id": lines[0]["product_id"],
            "name": "Blue mug",
            "unit_price_cents": 1_250,
            "quantity": 2,
        },
        {
            "product_id": lines[1]["product_id"],
            "name": "Tea towel",
            "unit_price_cents": 499,
            "quantity": 1,
        },
    ]
    assert order["total_cents"] == 2 * 1_250 + 499
    assert order["currency"] == "USD"
    assert order["payment"] is None
    assert order["cancel_reason"] is None
    assert order["shipping_address"] == shipping_address()
    assert [(h["status"], h["reason"]) for h in order["status_history"]] == [("PENDING", None)]
    assert order["created_at"] == order["updated_at"] == order["status_history"][0]["at"]
    assert (await shop.order(order["id"])) == order


async def test_checkout_emits_order_created_in_the_same_transaction(shop):
    customer = shop.customer()
    lines = shop.fill_cart(customer, cart_line("Lamp", unit_price_cents=4_200, quantity=3))

    order = (
        await shop.checkout(customer, body=checkout_body(payment_method="pm_card_mastercard"))
    ).json()

    [envelope] = await shop.events(order["id"], "order.created")
    assert envelope.producer == "order-service"
    event = OrderCreated.model_validate(envelope.data)
    assert event.order_id == uuid.UUID(order["id"])
    assert event.user_id == customer.user_id
    assert [(str(i.product_id), i.name, i.quantity, i.unit_price_cents) for i in event.items] == [
        (lines[0]["product_id"], "Lamp", 3, 4_200)
    ]
    assert event.total_cents == 12_600
    assert event.currency == "USD"
    assert event.payment_method == "pm_card_mastercard"


async def test_checkout_forwards_the_callers_token_and_correlation_to_the_cart(shop, cart_service):
    customer = shop.customer()
    shop.fill_cart(customer)

    response = await shop.checkout(customer)

    assert response.status_code == 201
    [seen] = cart_service.requests_of(customer.user_id)
    assert seen["authorization"] == f"Bearer {customer.token}"
    assert seen["x-correlation-id"]
    assert seen["traceparent"].startswith("00-")


async def test_same_key_and_body_returns_the_same_order_without_a_second_one(shop, sessions):
    customer = shop.customer()
    shop.fill_cart(customer)

    first = await shop.checkout(customer, key="retry-me")
    # The cart is emptied by order.created; a retry must not be refused as an empty cart.
    shop.cart.put(customer.user_id, [])
    again = await shop.checkout(customer, key="retry-me")

    assert first.status_code == 201
    assert again.status_code == 200
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert await _order_count(sessions, customer.user_id) == 1
    assert len(await shop.events(first.json()["id"], "order.created")) == 1


async def test_ten_concurrent_checkouts_with_one_key_make_one_order(shop, sessions):
    customer = shop.customer()
    shop.fill_cart(customer, cart_line(quantity=2))

    responses = await asyncio.gather(
        *(shop.checkout(customer, key="double-click") for _ in range(10))
    )

    assert sorted(r.status_code for r in responses) == [200] * 9 + [201]
    assert len({r.json()["id"] for r in responses}) == 1
    assert await _order_count(sessions, customer.user_id) == 1
    assert len(await shop.events(responses[0].json()["id"], "order.created")) == 1


async def test_same_key_with_another_body_is_a_conflict(shop, sessions):
    customer = shop.customer()
    shop.fill_cart(customer)
    first = await shop.checkout(customer, key="k1")

    other = await shop.checkout(
        customer, key="k1", body=checkout_body(payment_method="pm_card_mastercard")
    )

    assert first.status_code == 201
    assert other.status_code == 409
    assert other.json()["error"]["code"] == "idempotency_key_reused"
    assert await _order_count(sessions, customer.user_id) == 1


async def test_one_key_is_separate_per_customer(shop):
    first, second = shop.customer(), shop.customer()
    shop.fill_cart(first)
    shop.fill_cart(second)

    a = await shop.checkout(first, key="shared-key")
    b = await shop.checkout(second, key="shared-key")

    assert a.status_code == b.status_code == 201
    assert a.json()["id"] != b.json()["id"]


async def test_checkout_without_idempotency_key_is_refused_naming_the_header(shop):
    customer = shop.customer()
    shop.fill_cart(customer)

    response = await shop.client.post("/api/orders", json=checkout_body(), headers=customer.headers)

    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert "idempotency-key" in error["message"].lower()
    assert error["details"][0]["field"].lower() == "idempotency-key"


async def test_idempotency_key_longer_than_255_characters_is_refused(shop):
    customer = shop.customer()
    shop.fill_cart(customer)

    response = await shop.checkout(customer, key="k" * 256)

    assert response.status_code == 422
    assert "idempotency-key" in response.json()["error"]["message"].lower()


async def test_empty_cart_cannot_be_checked_out(shop, sessions):
    customer = shop.customer()
    shop.cart.put(customer.user_id, [])

    response = await shop.checkout(customer)

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "empty_cart"
    assert await _order_count(sessions, customer.user_id) == 0


async def test_lines_beyond_stock_or_no_longer_sold_are_refused_with_details(shop, sessions):
    customer = shop.customer()
    short = cart_line("Rare vase", quantity=3, stock=1)
    gone = cart_line("Withdrawn print", quantity=1, listed=False)
    shop.fill_cart(customer, cart_line("Plenty", quantity=1, stock=50), short, gone)

    response = await shop.checkout(customer, key="short")

    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "insufficient_stock"
    assert [
        (d["product_id"], d["type"], d.get("requested"), d["available"]) for d in error["details"]
    ] == [
        (short["product_id"], "insufficient_stock", 3, 1),
        (gone["product_id"], "product_unavailable", None, 0),
    ]
    assert await _order_count(sessions, customer.user_id) == 0

    # The refused key was not used up: after fixing the cart the same key checks out.
    shop.fill_cart(customer, cart_line(quantity=1, stock=5))
    assert (await shop.checkout(customer, key="short")).status_code == 201


async def test_a_cart_of_only_sold_out_lines_is_refused_as_out_of_stock(shop):
    customer = shop.customer()
    shop.fill_cart(customer, cart_line(quantity=2, stock=0))

    response = await shop.checkout(customer)

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "insufficient_stock"


async def test_unknown_fields_and_bad_addresses_are_refused_naming_the_field(shop):
    customer = shop.customer()
    shop.fill_cart(customer)
    cases = {
        "total_cents": checkout_body(total_cents=1),
        "shipping_address.country": checkout_body(shipping_address=shipping_address(country="GBR")),
        "shipping_address.line1": checkout_body(shipping_address=shipping_address(line1="")),
        "shipping_address.name": checkout_body(shipping_address=shipping_address(name="Ada\x00")),
        "payment_method": checkout_body(payment_method="card_4242"),
    }
    for field, body in cases.items():
        response = await shop.checkout(customer, body=body)
        assert response.status_code == 422, (field, response.text)
        assert field in {d["field"] for d in response.json()["error"]["details"]}, field


async def test_country_is_stored_upper_case(shop):
    customer = shop.customer()
    shop.fill_cart(customer)

    response = await shop.checkout(
        customer, body=checkout_body(shipping_address=shipping_address(country="fr"))
    )

    assert response.status_code == 201
    assert response.json()["shipping_address"]["country"] == "FR"


async def test_checkout_needs_a_token(shop):
    response = await shop.client.post(
        "/api/orders", json=checkout_body(), headers={"Idempotency-Key": "x"}
    )

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


async def _order_count(sessions, user_id) -> int:
    async with sessions() as session:
        count = await session.scalar(
            text("SELECT count(*) FROM orders WHERE user_id = :u"), {"u": user_id}
        )
        return int(count or 0)


async def test_concurrent_checkouts_of_one_cart_with_different_keys_make_one_order(shop, sessions):
    customer = shop.customer()
    shop.fill_cart(customer, cart_line(unit_price_cents=700, quantity=2))

    responses = await asyncio.gather(*(shop.checkout(customer, key=f"tab-{n}") for n in range(8)))

    statuses = sorted(r.status_code for r in responses)
    assert statuses == [201] + [409] * 7, [r.text for r in responses]
    refused = [r.json()["error"] for r in responses if r.status_code == 409]
    assert {e["code"] for e in refused} == {"cart_already_checked_out"}
    [placed] = [r.json() for r in responses if r.status_code == 201]
    assert await _order_count(sessions, customer.user_id) == 1
    assert len(await shop.events(placed["id"], "order.created")) == 1
    # The refused keys were not kept: each can be used again once the cart changes.
    refused_key = next(f"tab-{n}" for n, r in enumerate(responses) if r.status_code == 409)
    shop.fill_cart(customer, cart_line(unit_price_cents=300))
    again = await shop.checkout(customer, key=refused_key)
    assert again.status_code == 201, again.text
    assert again.json()["id"] != placed["id"]


async def test_a_second_checkout_of_an_unchanged_cart_is_refused(shop, sessions):
    """Before order.created has emptied the cart, the cart still holds the ordered lines."""
    customer = shop.customer()
    shop.fill_cart(customer)

    first = await shop.checkout(customer, key="first-click")
    second = await shop.checkout(customer, key="second-click")

    assert first.status_code == 201
    assert second.status_code == 409
    assert second.json()["error"]["code"] == "cart_already_checked_out"
    assert await _order_count(sessions, customer.user_id) == 1
    # The first key still replays its order.
    replay = await shop.checkout(customer, key="first-click")
    assert replay.status_code == 200 and replay.json()["id"] == first.json()["id"]


async def test_the_expected_total_lets_the_checkout_through_when_it_matches(shop):
    customer = shop.customer()
    shop.fill_cart(customer, cart_line(unit_price_cents=1_250, quantity=2))

    response = await shop.checkout(customer, body=checkout_body(expected_total_cents=2_500))

    assert response.status_code == 201, response.text
    assert response.json()["total_cents"] == 2_500


async def test_a_total_other_than_expected_is_refused_with_the_new_total(shop, sessions):
    customer = shop.customer()
    # The shopper saw 2 x 10.00; the price rose to 12.50 since.
    shop.fill_cart(customer, cart_line(unit_price_cents=1_250, quantity=2))

    response = await shop.checkout(
        customer, key="seen-20", body=checkout_body(expected_total_cents=2_000)
    )

    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "price_changed"
    assert error["details"] == [
        {
            "field": "expected_total_cents",
            "type": "price_changed",
            "message": "The cart's total at today's prices differs.",
            "expected_total_cents": 2_000,
            "total_cents": 2_500,
            "currency": "USD",
        }
    ]
    assert "2500" in error["message"]
    assert await _order_count(sessions, customer.user_id) == 0
    async with sessions() as session:
        keys = await session.scalar(
            text("SELECT count(*) FROM idempotency_keys WHERE user_id = :u"),
            {"u": customer.user_id},
        )
        events = await session.scalar(
            text(
                "SELECT count(*) FROM outbox WHERE routing_key = 'order.created' AND "
                "convert_from(body, 'UTF8')::jsonb -> 'data' ->> 'user_id' = :u"
            ),
            {"u": str(customer.user_id)},
        )
    assert keys == 0 and events == 0
    # Having seen the new total, the shopper confirms it, with the same key or another.
    confirmed = await shop.checkout(
        customer, key="seen-20", body=checkout_body(expected_total_cents=2_500)
    )
    assert confirmed.status_code == 201, confirmed.text


async def test_the_expected_total_must_be_a_whole_number_of_cents(shop, sessions):
    customer = shop.customer()
    shop.fill_cart(customer)

    for bad in ("1000", 10.5, -1, True):
        response = await shop.checkout(customer, body=checkout_body(expected_total_cents=bad))
        assert response.status_code == 422, (bad, response.text)
        assert response.json()["error"]["details"][0]["field"] == "expected_total_cents"
    assert await _order_count(sessions, customer.user_id) == 0
