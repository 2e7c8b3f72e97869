"""Admins add, change and remove products; nobody else can, and nothing can be smuggled in."""

import uuid
from datetime import datetime

import pytest
from product_service_tests_factories import product_body

PRODUCT_FIELDS = {
    "id",
    "name",
    "description",
    "price_cents",
    "currency",
    "category",
    "stock",
    "image_url",
    "attributes",
    "created_at",
    "updated_at",
}


async def test_an_admin_adds_a_product_and_anyone_can_read_it(catalog, client):
    body = product_body(
        name="  Aria Wireless Headphones ",
        category=" Home & Kitchen ",
        image_url="https://cdn.example.com/p/aria.jpg",
        attributes={"brand": "Aria", "wireless": True, "battery_hours": 40, "weight_kg": 0.25},
    )

    created = await client.post("/api/products", json=body, headers=catalog.admin)
    fetched = await client.get(f"/api/products/{created.json()['id']}")

    assert created.status_code == 201
    product = created.json()
    assert set(product) == PRODUCT_FIELDS
    assert product["name"] == "Aria Wireless Headphones"
    assert product["category"] == "home-kitchen"
    assert product["currency"] == "USD"
    assert product["stock"] == body["stock"]
    assert product["price_cents"] == body["price_cents"]
    assert product["image_url"] == "https://cdn.example.com/p/aria.jpg"
    assert product["attributes"] == body["attributes"]
    assert product["created_at"] == product["updated_at"]
    assert fetched.status_code == 200 and fetched.json() == product


async def test_a_product_without_an_image_gets_its_generated_picture(catalog):
    product = await catalog.add(image_url=None)

    assert product["image_url"] == f"/api/products/{product['id']}/image.svg"


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("POST", "/api/products", product_body()),
        ("PATCH", "/api/products/{id}", {"price_cents": 1}),
        ("DELETE", "/api/products/{id}", None),
    ],
)
async def test_only_admins_change_the_catalog(catalog, client, method, path, body):
    product = await catalog.add()
    url = path.format(id=product["id"])

    anonymous = await client.request(method, url, json=body)
    customer = await client.request(method, url, json=body, headers=catalog.customer)
    garbage = await client.request(
        method, url, json=body, headers={"Authorization": "Bearer not-a-token"}
    )

    assert anonymous.status_code == 401
    assert anonymous.headers["WWW-Authenticate"] == "Bearer"
    assert anonymous.json()["error"]["code"] == "not_authenticated"
    assert garbage.status_code == 401
    assert garbage.json()["error"]["code"] == "invalid_token"
    assert customer.status_code == 403
    assert customer.json()["error"]["code"] == "forbidden"
    assert customer.json()["error"]["message"] == "This needs the admin role."
    unchanged = await client.get(f"/api/products/{product['id']}")
    assert unchanged.json() == product
    assert (await catalog.search())["total"] == 1


async def test_an_anonymous_request_with_an_invalid_body_is_401_not_422(client):
    response = await client.post("/api/products", json={"name": ""})

    assert response.status_code == 401


@pytest.mark.parametrize("field", ["currency", "id", "deleted_at", "role", "created_at"])
async def test_unknown_fields_are_refused_naming_them(catalog, client, field):
    response = await client.post(
        "/api/products", json=product_body(**{field: "x"}), headers=catalog.admin
    )

    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert [d["field"] for d in error["details"]] == [field]
    assert (await catalog.search())["total"] == 0


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"price_cents": 0}, "price_cents"),
        ({"price_cents": -100}, "price_cents"),
        ({"price_cents": 12.5}, "price_cents"),
        ({"price_cents": "12999"}, "price_cents"),
        ({"price_cents": True}, "price_cents"),
        ({"name": ""}, "name"),
        ({"name": "   "}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"name": "bad\x00name"}, "name"),
        ({"description": "x" * 5001}, "description"),
        ({"category": ""}, "category"),
        ({"category": "&&&"}, "category"),
        ({"category": "x" * 61}, "category"),
        ({"stock": -1}, "stock"),
        ({"image_url": "javascript:alert(1)"}, "image_url"),
        ({"image_url": "data:image/png;base64,AAAA"}, "image_url"),
        ({"image_url": "//evil.example.com/a.png"}, "image_url"),
        ({"image_url": "https://user:pw@cdn.example.com/a.png"}, "image_url"),
        ({"image_url": "https://cdn.example.com/a b.png"}, "image_url"),
        ({"image_url": "ftp://cdn.example.com/a.png"}, "image_url"),
        ({"attributes": {"nested": {"a": 1}}}, "attributes.nested"),
        ({"attributes": {"list": [1, 2]}}, "attributes.list"),
        ({"attributes": {"text": "x" * 201}}, "attributes.text"),
        ({"attributes": {f"k{i}": i for i in range(31)}}, "attributes"),
        ({"attributes": ["a"]}, "attributes"),
    ],
)
async def test_invalid_products_are_refused_naming_the_field(catalog, client, overrides, field):
    response = await client.post(
        "/api/products", json=product_body(**overrides), headers=catalog.admin
    )

    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert field in {d["field"] for d in error["details"]} or any(
        d["field"].startswith(field) for d in error["details"]
    )


async def test_a_price_sent_as_text_is_refused_on_update_too(catalog, client):
    created = await client.post("/api/products", json=product_body(), headers=catalog.admin)
    url = f"/api/products/{created.json()['id']}"

    response = await client.patch(url, json={"price_cents": "500"}, headers=catalog.admin)

    assert response.status_code == 422, response.text
    [detail] = response.json()["error"]["details"]
    assert detail["field"] == "price_cents"
    assert "text" in detail["message"]
    assert (await client.get(url)).json()["price_cents"] == created.json()["price_cents"]


@pytest.mark.parametrize(
    "image_url",
    ["https://cdn.example.com/a.png?w=400", "http://localhost:8080/x.jpg", "/images/aria.png"],
)
async def test_http_urls_and_local_paths_are_accepted_as_images(catalog, image_url):
    product = await catalog.add(image_url=image_url)

    assert product["image_url"] == image_url


async def test_an_update_changes_only_the_fields_sent(catalog, client):
    product = await catalog.add(price_cents=2599, attributes={"color": "white"})

    response = await client.patch(
        f"/api/products/{product['id']}",
        json={"price_cents": 1999, "category": "Lighting"},
        headers=catalog.admin,
    )

    assert response.status_code == 200
    updated = response.json()
    assert updated["price_cents"] == 1999
    assert updated["category"] == "lighting"
    unchanged = {k: v for k, v in product.items() if k not in ("price_cents", "category")}
    assert {k: updated[k] for k in unchanged if k != "updated_at"} == {
        k: v for k, v in unchanged.items() if k != "updated_at"
    }
    assert datetime.fromisoformat(updated["updated_at"]) > datetime.fromisoformat(
        product["updated_at"]
    )
    assert (await client.get(f"/api/products/{product['id']}")).json() == updated


async def test_clearing_the_image_restores_the_generated_picture(catalog, client):
    product = await catalog.add(image_url="https://cdn.example.com/a.png")

    response = await client.patch(
        f"/api/products/{product['id']}", json={"image_url": None}, headers=catalog.admin
    )

    assert response.json()["image_url"] == f"/api/products/{product['id']}/image.svg"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"stock": 5}, "stock"),
        ({"name": None}, "name"),
        ({"price_cents": None}, "price_cents"),
        ({"currency": "EUR"}, "currency"),
    ],
)
async def test_an_update_cannot_set_stock_or_null_a_required_field(catalog, client, body, field):
    product = await catalog.add()

    response = await client.patch(
        f"/api/products/{product['id']}", json=body, headers=catalog.admin
    )

    assert response.status_code == 422
    details = response.json()["error"]["details"]
    assert any(field in d["field"] or field in d["message"] for d in details)
    assert (await client.get(f"/api/products/{product['id']}")).json() == product


async def test_a_deleted_product_is_gone_for_everyone(catalog, client):
    product = await catalog.add()
    url = f"/api/products/{product['id']}"

    deleted = await client.delete(url, headers=catalog.admin)
    fetched = await client.get(url)
    again = await client.delete(url, headers=catalog.admin)
    patched = await client.patch(url, json={"price_cents": 5}, headers=catalog.admin)

    assert deleted.status_code == 204 and deleted.content == b""
    for response in (fetched, again, patched):
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "product_not_found"
        assert response.json()["error"]["message"] == "There is no such product."


async def test_an_unknown_product_is_404_with_the_error_body(client):
    response = await client.get(f"/api/products/{uuid.uuid4()}")

    assert response.status_code == 404
    error = response.json()["error"]
    assert error["code"] == "product_not_found"
    assert error["request_id"] == response.headers["x-request-id"]


@pytest.mark.parametrize("bad_id", ["42", "not-a-uuid", "1' OR '1'='1"])
async def test_a_malformed_product_id_is_422_naming_it(client, bad_id):
    response = await client.get(f"/api/products/{bad_id}")

    assert response.status_code == 422
    assert [d["field"] for d in response.json()["error"]["details"]] == ["product_id"]


async def test_the_generated_picture_is_an_escaped_svg_that_caches(catalog, client):
    product = await catalog.add(name='Lamp <script>alert("x")</script> & Co', category="home")
    url = f"/api/products/{product['id']}/image.svg"

    response = await client.get(url)
    revalidated = await client.get(url, headers={"If-None-Match": response.headers["etag"]})

    assert response.status_code == 200
    assert response.headers["content-type"] == "image/svg+xml"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "<script>" not in response.text
    assert "&lt;script&gt;" in response.text and "&amp; Co" in response.text
    assert revalidated.status_code == 304 and revalidated.content == b""


async def test_a_deleted_product_keeps_its_picture_for_old_orders(catalog, client):
    product = await catalog.add()
    await client.delete(f"/api/products/{product['id']}", headers=catalog.admin)

    response = await client.get(f"/api/products/{product['id']}/image.svg")
    missing = await client.get(f"/api/products/{uuid.uuid4()}/image.svg")

    assert response.status_code == 200 and response.text.startswith("<svg")
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "product_not_found"
