"""The recommendation service keeps its OpenAPI contract under fuzzing (schemathesis), and
every protected route refuses missing and bad tokens with 401."""

from recommendation_service.main import create_app
from recommendation_service_tests_factories import test_settings as settings_for_tests
from service_kit.contract_testing import (
    assert_auth_enforced,
    assert_error_bodies_declared,
    check_case,
    load_schema,
)

schema = load_schema(create_app(settings_for_tests()), max_examples=20)


@schema.parametrize()
def test_api_keeps_its_contract(case, live, minter):
    # An admin's token reaches every route (descriptions are for admins only).
    check_case(case, live, headers=minter.headers(role="admin"))


def test_protected_operations_refuse_missing_and_bad_tokens(live):
    assert_auth_enforced(live)


def test_error_responses_are_declared_as_the_shared_error_body(live):
    assert_error_bodies_declared(live.app.openapi())
