"""The auth service keeps its OpenAPI contract under fuzzing (schemathesis), and every
protected route refuses missing and bad tokens with 401."""

import httpx
import pytest
from auth_service.main import create_app
from auth_service.service import ensure_admin
from auth_service_tests_factories import PASSWORD, bearer, settings_for_tests, signup_payload
from service_kit.contract_testing import (
    assert_auth_enforced,
    assert_error_bodies_declared,
    check_case,
    load_schema,
)

schema = load_schema(create_app(settings_for_tests()))


@pytest.fixture(scope="module")
def admin_login(live):
    """Signs an admin in on the live server: a new session (and its headers) per call."""
    payload = signup_payload()
    with httpx.Client(base_url=live.url) as http:
        assert http.post("/api/auth/signup", json=payload).status_code == 201

    async def promote():
        async with live.app.state.kit.sessions() as session, session.begin():
            await ensure_admin(session, email=payload["email"], password=None, username=None)

    live.run(promote())

    def login() -> dict[str, str]:
        with httpx.Client(base_url=live.url) as http:
            response = http.post(
                "/api/auth/login", json={"email": payload["email"], "password": PASSWORD}
            )
        assert response.status_code == 200, response.text
        return bearer(response.json()["access_token"])

    return login


@pytest.fixture(scope="module")
def admin_headers(admin_login):
    return admin_login()


@schema.parametrize()
def test_api_keeps_its_contract(case, live, admin_headers, admin_login):
    # Logging out ends the session it is called with, so it gets one of its own each time.
    is_logout = case.path.endswith("/logout")
    check_case(case, live, headers=admin_login() if is_logout else admin_headers)


def test_protected_operations_refuse_missing_and_bad_tokens(live):
    assert_auth_enforced(live)


def test_error_responses_are_declared_as_the_shared_error_body(live):
    assert_error_bodies_declared(live.app.openapi())
