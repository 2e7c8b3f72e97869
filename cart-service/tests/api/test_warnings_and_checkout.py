"""What the cart tells a customer after the catalog changed under it, and what the order
service gets at checkout."""

import datetime as dt
import uuid

from cart_service_tests_factories import (
    envelope,
    order_created,
    product_deleted,
    product_updated,
    stock_updated,
)
from shop_contracts.events import CartUpdated


async def test_a_price_change_shows_a_warning_and_the_new_price(factory, client):
    shopper = factory.shopper()
    product_id = await factory.product(price_cents=1000)
    await factory.add(shopper, product_id, quantity=2)

    await factory.deliver(product_updated(product_id, price_cents=1200, name="Rain jacket II"))
    cart = await factory.cart(shopper)

    assert cart["warnings"] == [
        {
            "code": "price_changed",
            "product_id": str(product_id),
            "old_price_cents": 1000,
            "new_price_cents": 1200,
        }
    ]
    assert cart["items"][0]["name"] == "Rain jacket II"
    assert cart["items"][0]["unit_price_cents"] == 1200
    assert cart["total_cents"] == 2400

    # Choosing the quantity again accepts the new price; the warning goes.
    response = await client.put(
        f"/api/cart/items/{product_id}", json={"quantity": 2}, headers=shopper.headers
    )
    assert response.json()["warnings"] == []


async def test_a_stock_drop_shows_an_insufficient_stock_warning(factory):
    shopper = factory.shopper()
    product_id = await factory.product(stock=10)
    await factory.add(shopper, product_id, quantity=4)

    await factory.deliver(stock_updated(product_id, stock=1, delta=-9))
    cart = await factory.cart(shopper)

    assert cart["warnings"] == [
        {
            "code": "insufficient_stock",
            "product_id": str(product_id),
            "available": 1,
            "quantity": 4,
        }
    ]
    assert cart["items"][0]["available"] == 1
    assert cart["items"][0]["purchasable"] is False


async def test_a_deleted_product_stays_visible_but_leaves_the_totals(factory):
    shopper = factory.shopper()
    kept, gone = await factory.product(price_cents=500), await factory.product(price_cents=700)
    await factory.add(shopper, kept)
    await factory.add(shopper, gone, quantity=2)

    await factory.deliver(product_deleted(gone))
    cart = await factory.cart(shopper)

    assert cart["warnings"] == [{"code": "product_unavailable", "product_id": str(gone)}]
    gone_line = next(i for i in cart["items"] if i["product_id"] == str(gone))
    assert gone_line["purchasable"] is False
    assert gone_line["available"] == 0
    assert gone_line["line_total_cents"] == 0
    assert cart["total_cents"] == 500
    assert cart["item_count"] == 1


async def test_checkout_view_has_only_purchasable_lines_and_says_it_is_not_ready(factory, client):
    shopper = factory.shopper()
    fine = await factory.product(price_cents=300, stock=5)
    short = await factory.product(price_cents=400, stock=5)
    gone = await factory.product(price_cents=900, stock=5)
    for product_id in (fine, short, gone):
        await factory.add(shopper, product_id, quantity=2)
    await factory.deliver(stock_updated(short, stock=1))
    await factory.deliver(product_deleted(gone))

    response = await client.get("/internal/cart", headers=shopper.headers)

    assert response.status_code == 200
    body = response.json()
    uuid.UUID(body.pop("revision"))
    assert body == {
        "user_id": str(shopper.user_id),
        "items": [
            {
                "product_id": str(fine),
                "name": "Rain jacket",
                "unit_price_cents": 300,
                "quantity": 2,
                "line_total_cents": 600,
            }
        ],
        "item_count": 2,
        "total_cents": 600,
        "currency": "USD",
        "ready": False,
        "problems": [
            {"code": "insufficient_stock", "product_id": str(short), "available": 1, "quantity": 2},
            {"code": "product_unavailable", "product_id": str(gone)},
        ],
    }


async def test_checkout_view_of_a_good_cart_is_ready_at_todays_prices(factory, client):
    shopper = factory.shopper()
    product_id = await factory.product(price_cents=300)
    await factory.add(shopper, product_id, quantity=3)
    await factory.deliver(product_updated(product_id, price_cents=350))

    body = (await client.get("/internal/cart", headers=shopper.headers)).json()

    assert body["ready"] is True and body["problems"] == []
    assert body["items"][0]["unit_price_cents"] == 350
    assert body["total_cents"] == 1050


async def test_checkout_view_names_the_carts_revision_new_at_every_change(factory, client):
    shopper = factory.shopper()
    a, b = await factory.product(), await factory.product()

    async def revision() -> str | None:
        body = (await client.get("/internal/cart", headers=shopper.headers)).json()
        value: str | None = body["revision"]
        return value

    assert await revision() is None  # no lines, nothing to check out
    await factory.add(shopper, a)
    first = await revision()
    assert first is not None and await revision() == first  # reading changes nothing
    # A price change is not a change of the cart: the shopper checks out the same lines.
    await factory.deliver(product_updated(a, price_cents=999))
    assert await revision() == first
    await factory.add(shopper, b)
    second = await revision()
    await client.put(f"/api/cart/items/{b}", json={"quantity": 2}, headers=shopper.headers)
    third = await revision()
    await factory.deliver(envelope(order_created(shopper.user_id, [(a, 1), (b, 2)])))
    assert len({first, second, third}) == 3
    assert await revision() is None


async def test_order_created_empties_the_users_cart_and_announces_it(factory):
    shopper = factory.shopper()
    a, b = await factory.product(), await factory.product()
    await factory.add(shopper, a)
    await factory.add(shopper, b, quantity=2)

    env = envelope(order_created(shopper.user_id, [(a, 1), (b, 2)]))
    assert await factory.deliver(env) is True
    assert await factory.deliver(env) is False

    assert (await factory.cart(shopper))["items"] == []
    announced = await factory.outbox(CartUpdated, user_id=shopper.user_id)
    assert announced[-1] == CartUpdated(user_id=shopper.user_id, items=[], total_cents=0)
    assert sum(1 for e in announced if e.items == []) == 1


async def test_order_created_keeps_what_was_put_in_the_cart_after_the_order(factory):
    shopper = factory.shopper()
    ordered = await factory.product()
    placed_at = dt.datetime.now(dt.UTC)
    later = await factory.product()
    await factory.add(shopper, later)

    await factory.deliver(envelope(order_created(shopper.user_id, [(ordered, 1)]), placed_at))

    assert [i["product_id"] for i in (await factory.cart(shopper))["items"]] == [str(later)]


async def test_order_created_leaves_other_users_carts_alone(factory):
    buyer, other = factory.shopper(), factory.shopper()
    product_id = await factory.product()
    await factory.add(buyer, product_id)
    await factory.add(other, product_id)

    await factory.deliver(order_created(buyer.user_id, [(product_id, 1)]))

    assert len((await factory.cart(other))["items"]) == 1
