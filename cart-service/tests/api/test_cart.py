import asyncio
import uuid

import pytest
from cart_service_tests_factories import product_deleted
from shop_contracts.events import CartLine, CartUpdated


async def test_adding_a_product_prices_it_from_the_catalog_and_announces_the_cart(factory):
    shopper = factory.shopper()
    product_id = await factory.product(price_cents=1250, stock=5, name="Wool socks")

    cart = await factory.add(shopper, product_id, quantity=2)

    assert cart == {
        "items": [
            {
                "product_id": str(product_id),
                "name": "Wool socks",
                "unit_price_cents": 1250,
                "quantity": 2,
                "available": 5,
                "line_total_cents": 2500,
                "purchasable": True,
            }
        ],
        "item_count": 2,
        "total_cents": 2500,
        "currency": "USD",
        "warnings": [],
    }
    assert await factory.cart(shopper) == cart
    assert await factory.outbox(CartUpdated, user_id=shopper.user_id) == [
        CartUpdated(
            user_id=shopper.user_id,
            items=[CartLine(product_id=product_id, quantity=2, unit_price_cents=1250)],
            total_cents=2500,
        )
    ]


async def test_adding_the_same_product_again_adds_to_its_quantity(factory):
    shopper = factory.shopper()
    product_id = await factory.product(stock=5)

    await factory.add(shopper, product_id, quantity=2)
    cart = await factory.add(shopper, product_id, quantity=3)

    assert [(i["product_id"], i["quantity"]) for i in cart["items"]] == [(str(product_id), 5)]
    assert cart["total_cents"] == 5 * 1500


async def test_adding_more_than_the_stock_is_409_with_the_available_quantity(factory, client):
    shopper = factory.shopper()
    product_id = await factory.product(stock=3)
    await factory.add(shopper, product_id, quantity=2)

    response = await client.post(
        "/api/cart/items",
        json={"product_id": str(product_id), "quantity": 2},
        headers=shopper.headers,
    )

    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "insufficient_stock"
    assert error["details"][0]["available"] == 3
    assert error["details"][0]["quantity"] == 4
    assert error["details"][0]["field"] == "quantity"
    assert (await factory.cart(shopper))["items"][0]["quantity"] == 2
    assert len(await factory.outbox(CartUpdated, user_id=shopper.user_id)) == 1


async def test_concurrent_adds_to_one_cart_all_count_and_are_announced_one_at_a_time(
    factory,
):
    shopper = factory.shopper()
    same, other = await factory.product(stock=50), await factory.product(stock=50)

    await asyncio.gather(
        *(factory.add(shopper, same, quantity=2) for _ in range(4)),
        factory.add(shopper, other, quantity=3),
    )

    cart = await factory.cart(shopper)
    assert {(i["product_id"], i["quantity"]) for i in cart["items"]} == {
        (str(same), 8),
        (str(other), 3),
    }
    # One change at a time: each announcement holds one more change than the one before.
    announced = await factory.outbox(CartUpdated, user_id=shopper.user_id)
    units = sorted(sum(line.quantity for line in event.items) for event in announced)
    assert len(units) == 5 and len(set(units)) == 5 and units[-1] == 11


async def test_a_line_holds_at_most_99(factory, client):
    shopper = factory.shopper()
    product_id = await factory.product(stock=500)
    await factory.add(shopper, product_id, quantity=99)

    response = await client.post(
        "/api/cart/items", json={"product_id": str(product_id)}, headers=shopper.headers
    )

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "quantity_limit_exceeded"
    assert response.json()["error"]["details"][0]["maximum"] == 99


async def test_an_unknown_product_is_404(factory, client):
    shopper = factory.shopper()

    response = await client.post(
        "/api/cart/items", json={"product_id": str(uuid.uuid4())}, headers=shopper.headers
    )

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "product_not_found"
    assert (await factory.cart(shopper))["items"] == []


async def test_a_deleted_product_is_404(factory, client):
    shopper = factory.shopper()
    product_id = await factory.product()
    await factory.deliver(product_deleted(product_id))

    response = await client.post(
        "/api/cart/items", json={"product_id": str(product_id)}, headers=shopper.headers
    )

    assert response.status_code == 404
    assert response.json()["error"] == {
        "code": "product_not_found",
        "message": "This product is no longer sold.",
        "request_id": response.headers["x-request-id"],
    }


async def test_a_price_sent_by_the_client_is_refused_and_never_used(factory, client):
    shopper = factory.shopper()
    product_id = await factory.product(price_cents=4000)

    refused = await client.post(
        "/api/cart/items",
        json={"product_id": str(product_id), "quantity": 1, "unit_price_cents": 1},
        headers=shopper.headers,
    )
    set_refused = await client.put(
        f"/api/cart/items/{product_id}",
        json={"quantity": 1, "price_cents": 1},
        headers=shopper.headers,
    )

    assert refused.status_code == set_refused.status_code == 422
    assert [d["field"] for d in refused.json()["error"]["details"]] == ["unit_price_cents"]
    assert [d["field"] for d in set_refused.json()["error"]["details"]] == ["price_cents"]
    assert (await factory.cart(shopper))["items"] == []
    cart = await factory.add(shopper, product_id)
    assert cart["items"][0]["unit_price_cents"] == 4000
    assert cart["total_cents"] == 4000


@pytest.mark.parametrize("quantity", [0, -1, 100, 1.5, "two", "3", True])
async def test_an_add_with_a_quantity_that_is_not_a_whole_number_from_1_to_99_is_422(
    factory, client, quantity
):
    shopper = factory.shopper()
    product_id = await factory.product(stock=500)

    response = await client.post(
        "/api/cart/items",
        json={"product_id": str(product_id), "quantity": quantity},
        headers=shopper.headers,
    )

    assert response.status_code == 422
    assert [d["field"] for d in response.json()["error"]["details"]] == ["quantity"]


async def test_setting_a_quantity_replaces_it_and_zero_removes_the_line(factory, client):
    shopper = factory.shopper()
    kept, removed = await factory.product(stock=9), await factory.product(stock=9)
    await factory.add(shopper, kept)
    await factory.add(shopper, removed)

    set_response = await client.put(
        f"/api/cart/items/{kept}", json={"quantity": 7}, headers=shopper.headers
    )
    zero_response = await client.put(
        f"/api/cart/items/{removed}", json={"quantity": 0}, headers=shopper.headers
    )

    assert set_response.status_code == zero_response.status_code == 200
    cart = zero_response.json()
    assert [(i["product_id"], i["quantity"]) for i in cart["items"]] == [(str(kept), 7)]
    assert cart["total_cents"] == 7 * 1500
    last = (await factory.outbox(CartUpdated, user_id=shopper.user_id))[-1]
    assert last.items == [CartLine(product_id=kept, quantity=7, unit_price_cents=1500)]


async def test_setting_a_quantity_puts_a_product_into_the_cart(factory, client):
    shopper = factory.shopper()
    product_id = await factory.product(stock=9)

    # 4.0 is the same JSON number as 4.
    response = await client.put(
        f"/api/cart/items/{product_id}", json={"quantity": 4.0}, headers=shopper.headers
    )

    assert response.json()["items"][0]["quantity"] == 4


async def test_setting_more_than_the_stock_is_409(factory, client):
    shopper = factory.shopper()
    product_id = await factory.product(stock=2)
    await factory.add(shopper, product_id)

    response = await client.put(
        f"/api/cart/items/{product_id}", json={"quantity": 3}, headers=shopper.headers
    )

    assert response.status_code == 409
    assert response.json()["error"]["details"][0]["available"] == 2
    assert (await factory.cart(shopper))["items"][0]["quantity"] == 1


async def test_removing_a_line_is_204_and_a_line_not_in_the_cart_is_404(factory, client):
    shopper = factory.shopper()
    product_id = await factory.product()
    await factory.add(shopper, product_id)

    removed = await client.delete(f"/api/cart/items/{product_id}", headers=shopper.headers)
    again = await client.delete(f"/api/cart/items/{product_id}", headers=shopper.headers)

    assert removed.status_code == 204 and removed.content == b""
    assert again.status_code == 404
    assert again.json()["error"]["code"] == "cart_item_not_found"
    assert (await factory.cart(shopper))["items"] == []


async def test_emptying_the_cart_is_204_and_announces_an_empty_cart(factory, client):
    shopper = factory.shopper()
    await factory.add(shopper, await factory.product())
    await factory.add(shopper, await factory.product())

    response = await client.delete("/api/cart", headers=shopper.headers)

    assert response.status_code == 204
    assert (await factory.cart(shopper))["items"] == []
    assert (await factory.outbox(CartUpdated, user_id=shopper.user_id))[-1] == CartUpdated(
        user_id=shopper.user_id, items=[], total_cents=0
    )


async def test_one_users_cart_is_unreachable_for_another(factory, client):
    alice, bob = factory.shopper(), factory.shopper()
    product_id = await factory.product(stock=9)
    await factory.add(alice, product_id, quantity=2)

    bob_cart = await factory.cart(bob)
    bob_delete = await client.delete(f"/api/cart/items/{product_id}", headers=bob.headers)
    await client.put(f"/api/cart/items/{product_id}", json={"quantity": 5}, headers=bob.headers)
    await client.delete("/api/cart", headers=bob.headers)
    bob_internal = await client.get("/internal/cart", headers=bob.headers)

    assert bob_cart["items"] == [] and bob_cart["total_cents"] == 0
    assert bob_delete.status_code == 404
    assert bob_internal.json()["items"] == []
    alice_cart = await factory.cart(alice)
    assert [(i["product_id"], i["quantity"]) for i in alice_cart["items"]] == [(str(product_id), 2)]


async def test_an_empty_cart_is_an_empty_list_not_an_error(factory):
    cart = await factory.cart(factory.shopper())

    assert cart == {
        "items": [],
        "item_count": 0,
        "total_cents": 0,
        "currency": "USD",
        "warnings": [],
    }


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", "/api/cart", None),
        ("POST", "/api/cart/items", {"product_id": str(uuid.uuid4()), "quantity": 1}),
        ("PUT", f"/api/cart/items/{uuid.uuid4()}", {"quantity": 1}),
        ("DELETE", f"/api/cart/items/{uuid.uuid4()}", None),
        ("DELETE", "/api/cart", None),
        ("GET", "/internal/cart", None),
    ],
)
async def test_every_cart_route_needs_a_signed_in_user(client, method, path, body):
    response = await client.request(method, path, json=body)

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


async def test_a_token_from_an_untrusted_key_is_refused(client):
    from service_kit.testing import TokenMinter

    response = await client.get("/api/cart", headers=TokenMinter(key="untrusted").headers())

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "invalid_token"


async def test_ready_checks_the_pool_the_cart_runs_on(client):
    response = await client.get("/ready")

    assert response.status_code == 200
    assert response.json()["checks"] == {"database": "up", "broker": "up", "redis": "up"}


async def test_a_cart_holds_at_most_a_hundred_different_products(factory, client):
    shopper = factory.shopper()
    products = [await factory.product(price_cents=100) for _ in range(102)]
    for product_id in products[:100]:
        await factory.add(shopper, product_id)

    added = await client.post(
        "/api/cart/items", json={"product_id": str(products[100])}, headers=shopper.headers
    )
    put = await client.put(
        f"/api/cart/items/{products[101]}", json={"quantity": 2}, headers=shopper.headers
    )
    more_of_one = await client.post(
        "/api/cart/items", json={"product_id": str(products[0])}, headers=shopper.headers
    )

    for refused in (added, put):
        assert refused.status_code == 409, refused.text
        error = refused.json()["error"]
        assert error["code"] == "too_many_cart_lines"
        assert error["details"][0]["maximum"] == 100
    assert more_of_one.status_code == 200  # a line already in the cart can still grow
    cart = await factory.cart(shopper)
    assert len(cart["items"]) == 100
    assert cart["item_count"] == 101
    await client.delete(f"/api/cart/items/{products[0]}", headers=shopper.headers)
    again = await client.post(
        "/api/cart/items", json={"product_id": str(products[100])}, headers=shopper.headers
    )
    assert again.status_code == 200
