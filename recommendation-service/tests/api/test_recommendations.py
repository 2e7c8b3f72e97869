"""The recommendation routes without a Gemini key: what related products and picks for a
customer hold, and how bad input and missing rights are answered."""

import uuid

import pytest
from recommendation_service_tests_factories import (
    cart_updated,
    ids,
    product_deleted,
    stock_updated,
)


def _tag() -> str:
    return uuid.uuid4().hex[:8]


async def test_related_products_carry_a_storefront_card_a_score_and_a_reason(factory):
    tag = _tag()
    headphones = await factory.product(
        name=f"Aria Over-Ear Headphones {tag}", category=f"audio-{tag}", description="Wireless"
    )
    earbuds = await factory.product(
        name=f"Kestrel Wireless Earbuds {tag}", category=f"audio-{tag}", price_cents=4999
    )
    await factory.refresh()

    body = await factory.related(headphones)

    assert body["source"] == "local"
    first = body["items"][0]
    assert first["product"] == {
        "id": str(earbuds),
        "name": f"Kestrel Wireless Earbuds {tag}",
        "price_cents": 4999,
        "currency": "USD",
        "category": f"audio-{tag}",
        "image_url": "/img/test.svg",
        "stock": 10,
        "in_stock": True,
    }
    assert first["score"] > 0
    assert first["reason"] == f"Also in Audio {tag}, similar to Aria Over-Ear Headphones {tag}"
    assert all(item["reason"] for item in body["items"])


async def test_related_never_lists_the_product_itself_a_deleted_one_or_more_than_the_limit(
    factory,
):
    tag = _tag()
    anchor = await factory.product(name=f"Oak desk {tag}", category=f"desks-{tag}")
    similar = [
        await factory.product(name=f"Oak desk shelf {tag} {i}", category=f"desks-{tag}")
        for i in range(5)
    ]
    await factory.paid_order(uuid.uuid4(), [anchor, similar[0]])
    await factory.deliver(product_deleted(similar[0]))
    await factory.refresh()

    body = await factory.related(anchor, limit=3)

    assert len(body["items"]) == 3
    assert anchor not in ids(body)
    assert similar[0] not in ids(body)
    assert set(ids(body)) <= set(similar[1:])


async def test_out_of_stock_products_come_only_after_every_product_in_stock(factory):
    tag = _tag()
    anchor = await factory.product(name=f"Trail tent {tag}", category=f"tents-{tag}")
    sold_out = await factory.product(name=f"Trail tent footprint {tag}", category=f"tents-{tag}")
    await factory.paid_order(uuid.uuid4(), [anchor, sold_out])
    await factory.paid_order(uuid.uuid4(), [anchor, sold_out])
    await factory.deliver(stock_updated(sold_out, 0))
    await factory.refresh()

    body = await factory.related(anchor, limit=20)

    assert ids(body)[-1] == sold_out or sold_out not in ids(body)
    assert all(
        item["product"]["in_stock"]
        for item in body["items"]
        if item["product"]["id"] != str(sold_out)
    )
    await factory.deliver(stock_updated(sold_out, 5))
    assert ids(await factory.related(anchor))[0] == sold_out  # back in stock: bought together


async def test_a_product_the_model_does_not_know_yet_gets_best_sellers(factory):
    await factory.refresh()
    fresh = await factory.product(name=f"Brand new thing {_tag()}")

    body = await factory.related(fresh)

    assert len(body["items"]) == 4
    assert fresh not in ids(body)
    assert all(item["reason"] for item in body["items"])


async def test_an_unknown_or_deleted_product_is_404_in_the_shared_error_format(client, factory):
    gone = await factory.product()
    await factory.deliver(product_deleted(gone))

    for product_id in (uuid.uuid4(), gone):
        response = await client.get(f"/api/recommendations/related/{product_id}")
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "product_not_found"


@pytest.mark.parametrize(
    "path",
    [
        "/api/recommendations/related/not-a-uuid",
        f"/api/recommendations/related/{uuid.uuid4()}?limit=0",
        f"/api/recommendations/related/{uuid.uuid4()}?limit=21",
        f"/api/recommendations/related/{uuid.uuid4()}?limit=four",
    ],
)
async def test_bad_input_is_422_naming_the_field(client, path):
    response = await client.get(path)

    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert error["details"]


async def test_for_me_excludes_what_was_bought_and_says_why(client, factory):
    tag = _tag()
    customer = factory.customer()
    bought = await factory.product(name=f"Espresso machine {tag}", category=f"coffee-{tag}")
    grinder = await factory.product(name=f"Burr grinder {tag}", category=f"grinders-{tag}")
    for _ in range(2):
        await factory.paid_order(uuid.uuid4(), [bought, grinder])
    await factory.paid_order(customer.user_id, [bought])
    await factory.refresh()

    response = await client.get("/api/recommendations/for-me", headers=customer.headers)

    assert response.status_code == 200
    body = response.json()
    assert bought not in ids(body)
    assert ids(body)[0] == grinder
    assert body["items"][0]["reason"] == (
        f"Often bought together with Espresso machine {tag}, which you bought"
    )


async def test_for_me_follows_the_cart_and_leaves_out_what_is_in_it(client, factory):
    tag = _tag()
    customer = factory.customer()
    in_cart = await factory.product(name=f"Climbing rope {tag}", category=f"climb-{tag}")
    harness = await factory.product(name=f"Climbing harness {tag}", category=f"climb-{tag}")
    await factory.deliver(cart_updated(customer.user_id, [in_cart]))
    await factory.refresh()

    body = (await client.get("/api/recommendations/for-me", headers=customer.headers)).json()

    assert in_cart not in ids(body)
    assert ids(body)[0] == harness
    assert body["items"][0]["reason"].endswith(f"Climbing rope {tag} in your cart")


async def test_a_new_customer_gets_best_sellers(client, factory):
    tag = _tag()
    hit = await factory.product(name=f"Best seller {tag}", category=f"hits-{tag}")
    for _ in range(30):
        await factory.paid_order(uuid.uuid4(), [hit])
    await factory.refresh()

    response = await client.get(
        "/api/recommendations/for-me", params={"limit": 2}, headers=factory.customer().headers
    )

    body = response.json()
    assert len(body["items"]) == 2
    assert body["items"][0]["product"]["id"] == str(hit)
    assert body["items"][0]["reason"] == f"A best seller in Hits {tag}"


async def test_for_me_needs_a_login(client):
    response = await client.get("/api/recommendations/for-me")

    assert response.status_code == 401
    assert response.json()["error"]["code"]


async def test_an_admin_gets_a_description_written_locally(client, minter):
    body = {
        "name": "Aria Over-Ear Headphones",
        "category": "audio",
        "keywords": ["noise cancelling", "foldable"],
        "tone": "professional",
    }

    response = await client.post(
        "/api/recommendations/descriptions", json=body, headers=minter.headers(role="admin")
    )

    assert response.status_code == 200
    answer = response.json()
    assert answer["source"] == "local"
    assert "Aria Over-Ear Headphones" in answer["description"]
    assert "noise cancelling" in answer["description"].lower()


async def test_descriptions_are_for_admins_only(client, minter):
    body = {"name": "Lamp", "category": "home"}

    customer = await client.post(
        "/api/recommendations/descriptions", json=body, headers=minter.headers()
    )
    anonymous = await client.post("/api/recommendations/descriptions", json=body)

    assert customer.status_code == 403
    assert anonymous.status_code == 401


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"category": "home"}, "name"),
        ({"name": "", "category": "home"}, "name"),
        ({"name": "Lamp", "category": "home", "tone": "angry"}, "tone"),
        ({"name": "Lamp", "category": "home", "keywords": ["x" * 41]}, "keywords"),
        ({"name": "Lamp", "category": "home", "keywords": ["k"] * 11}, "keywords"),
        ({"name": "Lamp", "category": "home", "price_cents": 1}, "price_cents"),
        ({"name": "La\u0000mp", "category": "home"}, "name"),
    ],
)
async def test_a_bad_description_request_is_422_naming_the_field(client, minter, body, field):
    response = await client.post(
        "/api/recommendations/descriptions", json=body, headers=minter.headers(role="admin")
    )

    assert response.status_code == 422
    details = response.json()["error"]["details"]
    assert any(field in str(detail.get("field", "")) for detail in details), details


async def test_best_sellers_need_no_account_and_put_the_most_bought_first(client, factory):
    tag = _tag()
    hit = await factory.product(name=f"Top seller {tag}", category=f"tops-{tag}")
    for _ in range(40):
        await factory.paid_order(uuid.uuid4(), [hit])
    await factory.refresh()

    response = await client.get("/api/recommendations/best-sellers", params={"limit": 3})

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["source"] == "local"
    assert len(body["items"]) == 3
    assert body["items"][0]["product"]["id"] == str(hit)
    assert body["items"][0]["reason"] == f"A best seller in Tops {tag}"
    assert len({item["product"]["id"] for item in body["items"]}) == 3


async def test_best_sellers_refuse_a_limit_out_of_range(client):
    response = await client.get("/api/recommendations/best-sellers", params={"limit": 0})

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "validation_error"
