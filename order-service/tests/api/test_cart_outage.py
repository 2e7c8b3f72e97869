"""When the cart service is down or slow, checkout answers 503 / 504 in the error format."""

import pytest
from order_service.cart_client import CartClient
from order_service.dependencies import CART_CLIENT
from service_kit.testing import free_port


@pytest.fixture
def cart_at(app):
    """Point the running app's cart client elsewhere for one test."""
    kit = app.state.kit
    original = kit.extra[CART_CLIENT]

    def point(url: str, timeout: float = 2.0) -> None:
        kit.extra[CART_CLIENT] = CartClient(kit.http, url, timeout)

    yield point
    kit.extra[CART_CLIENT] = original


async def test_checkout_answers_503_when_the_cart_service_is_down(shop, cart_at, sessions):
    cart_at(f"http://127.0.0.1:{free_port()}")  # nothing listens there
    customer = shop.customer()

    response = await shop.checkout(customer)

    assert response.status_code == 503
    error = response.json()["error"]
    assert error["code"] == "cart_unavailable"
    assert error["request_id"]


async def test_checkout_answers_504_when_the_cart_service_is_slow(shop, cart_at, cart_service):
    cart_at(cart_service.url, timeout=0.2)
    customer = shop.customer()
    shop.fill_cart(customer)
    cart_service.delays[customer.user_id] = 1.0

    response = await shop.checkout(customer)

    assert response.status_code == 504
    assert response.json()["error"]["code"] == "cart_timeout"


async def test_after_an_outage_the_same_key_checks_out(shop, cart_at, cart_service):
    customer = shop.customer()
    shop.fill_cart(customer)
    cart_at(f"http://127.0.0.1:{free_port()}")
    assert (await shop.checkout(customer, key="after-outage")).status_code == 503

    cart_at(cart_service.url)
    response = await shop.checkout(customer, key="after-outage")

    assert response.status_code == 201
    assert response.json()["status"] == "PENDING"
