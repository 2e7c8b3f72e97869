import uuid

import pytest
from shop_contracts import StockChangeReason
from shop_contracts.events import StockUpdated


async def test_anyone_reads_a_products_stock(client, factory):
    product_id = await factory.product(stock=7)

    response = await client.get(f"/api/inventory/{product_id}")

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"product_id", "stock", "updated_at"}
    assert body["product_id"] == str(product_id)
    assert body["stock"] == 7


async def test_unknown_product_is_404_in_the_error_format(client):
    response = await client.get(f"/api/inventory/{uuid.uuid4()}")

    assert response.status_code == 404
    error = response.json()["error"]
    assert error["code"] == "stock_not_found"
    assert error["request_id"] == response.headers["x-request-id"]


async def test_admin_sets_an_absolute_stock_with_a_ledger_row_and_an_event(client, factory, minter):
    product_id = await factory.product(stock=7)
    admin_id = uuid.uuid4()

    response = await client.put(
        f"/api/inventory/{product_id}",
        json={"stock": 30, "note": "stock take"},
        headers=minter.headers(admin_id, role="admin"),
    )

    assert response.status_code == 200
    assert response.json()["stock"] == 30
    assert (await factory.ledger(product_id))[-1] == {
        "delta": 23,
        "stock_after": 30,
        "reason": "admin",
        "order_id": None,
        "actor_id": admin_id,
        "note": "stock take",
    }
    assert (await factory.outbox(StockUpdated, product_id=product_id))[-1] == StockUpdated(
        product_id=product_id, stock=30, delta=23, reason=StockChangeReason.ADMIN
    )


async def test_setting_the_same_stock_again_records_no_change(client, factory, admin):
    product_id = await factory.product(stock=7)

    response = await client.put(f"/api/inventory/{product_id}", json={"stock": 7}, headers=admin)

    assert response.json()["stock"] == 7
    assert len(await factory.ledger(product_id)) == 1
    assert len(await factory.outbox(StockUpdated, product_id=product_id)) == 1


async def test_admin_restocks_with_an_adjustment(client, factory, admin):
    product_id = await factory.product(stock=2)

    response = await client.post(
        f"/api/inventory/{product_id}/adjust",
        json={"delta": 8, "reason": "restock", "note": "delivery 118"},
        headers=admin,
    )

    assert response.status_code == 200
    assert response.json()["stock"] == 10
    movement = (await factory.ledger(product_id))[-1]
    assert (movement["delta"], movement["stock_after"], movement["reason"]) == (8, 10, "restock")
    event = (await factory.outbox(StockUpdated, product_id=product_id))[-1]
    assert (event.stock, event.delta, event.reason) == (10, 8, StockChangeReason.RESTOCK)


async def test_adjusting_below_zero_is_409_with_the_available_stock_and_changes_nothing(
    client, factory, admin
):
    product_id = await factory.product(stock=3)

    response = await client.post(
        f"/api/inventory/{product_id}/adjust", json={"delta": -5}, headers=admin
    )

    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "insufficient_stock"
    assert error["details"] == [
        {
            "field": "delta",
            "message": "Stock cannot go below zero.",
            "type": "insufficient_stock",
            "product_id": str(product_id),
            "requested": 5,
            "available": 3,
        }
    ]
    assert await factory.stock(product_id) == 3
    assert len(await factory.ledger(product_id)) == 1


async def test_adjusting_to_exactly_zero_is_allowed(client, factory, admin):
    product_id = await factory.product(stock=3)

    response = await client.post(
        f"/api/inventory/{product_id}/adjust", json={"delta": -3}, headers=admin
    )

    assert response.json()["stock"] == 0


async def test_adjusting_above_the_maximum_is_409(client, factory, admin):
    product_id = await factory.product(stock=3)
    await client.put(f"/api/inventory/{product_id}", json={"stock": 1_000_000_000}, headers=admin)

    response = await client.post(
        f"/api/inventory/{product_id}/adjust", json={"delta": 1}, headers=admin
    )

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "stock_limit_exceeded"
    assert await factory.stock(product_id) == 1_000_000_000


@pytest.mark.parametrize(
    "body",
    [
        {"delta": 0},
        {"delta": 1, "stock": 5},
        {"delta": 1, "reason": "order"},
        {"delta": "many"},
        {"delta": "5"},
        {"delta": True},
        {"delta": 1.5},
        {},
    ],
)
async def test_invalid_adjustments_are_422_naming_the_field(client, factory, admin, body):
    product_id = await factory.product(stock=3)

    response = await client.post(f"/api/inventory/{product_id}/adjust", json=body, headers=admin)

    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert error["details"] and all(d["field"] for d in error["details"])
    assert await factory.stock(product_id) == 3


async def test_adjusting_an_unknown_product_is_404(client, admin):
    response = await client.post(
        f"/api/inventory/{uuid.uuid4()}/adjust", json={"delta": 1}, headers=admin
    )
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "stock_not_found"


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", "/api/inventory", None),
        ("PUT", "/api/inventory/{id}", {"stock": 100}),
        ("POST", "/api/inventory/{id}/adjust", {"delta": 100}),
        ("GET", "/api/inventory/{id}/movements", None),
    ],
)
async def test_only_admins_manage_stock(client, factory, customer, method, path, body):
    product_id = await factory.product(stock=3)
    url = path.format(id=product_id)

    anonymous = await client.request(method, url, json=body)
    as_customer = await client.request(method, url, json=body, headers=customer)

    assert anonymous.status_code == 401
    assert anonymous.json()["error"]["code"] == "not_authenticated"
    assert anonymous.headers["www-authenticate"] == "Bearer"
    assert as_customer.status_code == 403
    assert as_customer.json()["error"]["code"] == "forbidden"
    assert await factory.stock(product_id) == 3
    assert len(await factory.ledger(product_id)) == 1


async def test_a_forged_token_is_401(client, factory):
    product_id = await factory.product(stock=3)
    from service_kit.testing import TokenMinter

    # Signed by a key the service does not trust.
    forged = TokenMinter(key="untrusted").headers(role="admin")

    response = await client.put(f"/api/inventory/{product_id}", json={"stock": 0}, headers=forged)

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "invalid_token"
    assert await factory.stock(product_id) == 3


async def _all_pages(client, admin, **params):
    items, offset = [], 0
    while True:
        page = (
            await client.get(
                "/api/inventory", params={**params, "limit": 7, "offset": offset}, headers=admin
            )
        ).json()
        assert len(page["items"]) <= 7
        items += page["items"]
        offset += 7
        if offset >= page["total"]:
            assert len(items) == page["total"]
            return items


async def test_admin_lists_low_stock_lowest_first(client, factory, admin):
    low, lower, plenty = (
        await factory.product(stock=2),
        await factory.product(stock=1),
        await factory.product(stock=50),
    )

    items = await _all_pages(client, admin, low_stock_below=3)

    ids = [item["product_id"] for item in items]
    assert str(low) in ids and str(lower) in ids and str(plenty) not in ids
    assert all(item["stock"] < 3 for item in items)
    assert [item["stock"] for item in items] == sorted(item["stock"] for item in items)


async def test_the_list_is_paginated(client, factory, admin):
    await factory.product(stock=1)
    await factory.product(stock=1)

    page = (await client.get("/api/inventory", params={"limit": 1}, headers=admin)).json()

    assert len(page["items"]) == 1
    assert page["total"] >= 2
    assert (page["limit"], page["offset"]) == (1, 0)


async def test_the_list_leaves_out_removed_products(client, factory, admin):
    from inventory_service_tests_factories import product_deleted

    product_id = await factory.product(stock=0)
    await factory.deliver(product_deleted(product_id))

    items = await _all_pages(client, admin, low_stock_below=1)

    assert str(product_id) not in [item["product_id"] for item in items]


async def test_admin_reads_a_products_ledger_newest_first(client, factory, admin):
    product_id = await factory.product(stock=5)
    await client.post(f"/api/inventory/{product_id}/adjust", json={"delta": -1}, headers=admin)

    response = await client.get(f"/api/inventory/{product_id}/movements", headers=admin)

    body = response.json()
    assert body["total"] == 2
    assert [(m["delta"], m["stock_after"], m["reason"]) for m in body["items"]] == [
        (-1, 4, "admin"),
        (5, 5, "initial"),
    ]
