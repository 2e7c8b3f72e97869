"""What a cart must be to be checked out, and the request's fingerprint and validation."""

import json
import uuid

import pytest
from order_service.cart_client import Cart
from order_service.errors import EmptyCart, InsufficientStock
from order_service.schemas import CheckoutRequest
from order_service.service.checkout import checkout_lines, request_hash
from order_service_tests_factories import cart_body, cart_line, checkout_body, shipping_address
from pydantic import ValidationError


def _cart(*lines) -> Cart:
    return Cart.model_validate(cart_body(uuid.uuid4(), list(lines)))


def test_lines_become_order_items_with_name_and_price_snapshots_in_cart_order():
    first = cart_line("Mug", unit_price_cents=1_250, quantity=2)
    second = cart_line("Towel", unit_price_cents=499, quantity=1)

    items = checkout_lines(_cart(first, second))

    assert [
        (i.position, str(i.product_id), i.name, i.unit_price_cents, i.quantity) for i in items
    ] == [
        (0, first["product_id"], "Mug", 1_250, 2),
        (1, second["product_id"], "Towel", 499, 1),
    ]


def test_empty_cart_is_refused():
    with pytest.raises(EmptyCart):
        checkout_lines(_cart())


def test_short_and_withdrawn_lines_are_refused_with_one_detail_each():
    short = cart_line(quantity=4, stock=3)
    withdrawn = cart_line(listed=False)

    with pytest.raises(InsufficientStock) as refused:
        checkout_lines(_cart(cart_line(), short, withdrawn))

    assert [
        (d["product_id"], d["type"], d["requested"], d["available"]) for d in refused.value.details
    ] == [
        (short["product_id"], "insufficient_stock", 4, 3),
        (withdrawn["product_id"], "product_unavailable", None, 0),
    ]


def test_request_hash_ignores_json_formatting_but_not_content():
    body = checkout_body()
    address = json.dumps(body["shipping_address"], indent=2)
    reordered = f'{{"shipping_address": {address}, "payment_method": "pm_card_visa"}}'
    other = checkout_body(payment_method="pm_card_mastercard")

    fingerprint = request_hash(CheckoutRequest.model_validate(body))

    assert fingerprint == request_hash(CheckoutRequest.model_validate_json(reordered))
    assert fingerprint != request_hash(CheckoutRequest.model_validate(other))


@pytest.mark.parametrize(
    "address",
    [
        shipping_address(country="G1"),
        shipping_address(country="GBR"),
        shipping_address(postal_code=""),
        shipping_address(city=" London"),
        shipping_address(name="x" * 101),
        shipping_address(line1="line\nbreak"),
        {**shipping_address(), "line2": "unknown field"},
    ],
)
def test_bad_addresses_are_refused(address):
    with pytest.raises(ValidationError):
        CheckoutRequest.model_validate(checkout_body(shipping_address=address))


@pytest.mark.parametrize("method", ["pm_", "card_visa", "pm_" + "x" * 98, "pm_visa!"])
def test_payment_method_must_be_a_pm_token(method):
    with pytest.raises(ValidationError):
        CheckoutRequest.model_validate(checkout_body(payment_method=method))


def test_country_is_upper_cased():
    request = CheckoutRequest.model_validate(
        checkout_body(shipping_address=shipping_address(country="de"))
    )

    assert request.shipping_address.country == "DE"
