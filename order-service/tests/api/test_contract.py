"""The order service keeps its OpenAPI contract under fuzzing (schemathesis), and every
protected route refuses missing and bad tokens with 401."""

import uuid

import pytest
from order_service.main import create_app
from order_service_tests_factories import CartStandIn, cart_line, order_settings
from service_kit.contract_testing import (
    LiveServer,
    assert_auth_enforced,
    assert_error_bodies_declared,
    check_case,
    load_schema,
)
from service_kit.testing import TokenMinter

schema = load_schema(create_app(order_settings()), max_examples=20)


@pytest.fixture(scope="module")
def cart_for_contract():
    return CartStandIn()


@pytest.fixture(scope="module")
def live(database, cart_for_contract):
    settings = database.model_copy(update={"cart_url": cart_for_contract.url})
    with LiveServer(create_app(settings)) as server:
        # The stand-in serves from the live server's loop: the test thread blocks on requests.
        server.run(cart_for_contract.start())
        yield server
        server.run(cart_for_contract.stop())


@pytest.fixture(scope="module")
def admin_headers(live, cart_for_contract):
    minter = TokenMinter()
    minter.install(live.app)
    admin_id = uuid.uuid4()
    cart_for_contract.put(admin_id, [cart_line(quantity=2)])
    return {"Authorization": f"Bearer {minter.token(admin_id, role='admin')}"}


@schema.parametrize()
def test_api_keeps_its_contract(case, live, admin_headers):
    check_case(case, live, headers=admin_headers)


def test_protected_operations_refuse_missing_and_bad_tokens(live):
    assert_auth_enforced(live)


def test_error_responses_are_declared_as_the_shared_error_body(live):
    assert_error_bodies_declared(live.app.openapi())
