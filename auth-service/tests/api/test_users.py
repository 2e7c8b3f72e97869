import uuid

import jwt
from auth_service_tests_factories import bearer


async def test_me_returns_the_callers_profile(client, factory):
    account = await factory.account()

    response = await client.get("/api/auth/me", headers=account.headers)

    assert response.status_code == 200
    assert response.json() == account.user


async def test_me_without_a_token_is_unauthorized_with_a_bearer_challenge(client):
    response = await client.get("/api/auth/me")

    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"
    assert response.json()["error"]["code"] == "not_authenticated"


async def test_a_customer_gets_403_on_admin_routes(client, factory):
    customer = await factory.account()

    listing = await client.get("/api/auth/users", headers=customer.headers)
    promote = await client.patch(
        f"/api/auth/users/{customer.id}/role", json={"role": "admin"}, headers=customer.headers
    )

    assert listing.status_code == promote.status_code == 403
    assert listing.json()["error"]["code"] == "forbidden"
    assert promote.json()["error"]["code"] == "forbidden"
    assert (await client.get("/api/auth/me", headers=customer.headers)).json()["role"] == "customer"


async def test_admin_lists_users_page_by_page(client, factory):
    admin = await factory.admin()
    for _ in range(3):
        await factory.account()

    first = await client.get("/api/auth/users?limit=2&offset=0", headers=admin.headers)
    second = await client.get("/api/auth/users?limit=2&offset=2", headers=admin.headers)

    assert first.status_code == second.status_code == 200
    page = first.json()
    assert page["limit"] == 2 and page["offset"] == 0
    assert page["total"] >= 4
    assert len(page["items"]) == 2
    assert set(page["items"][0]) == {"id", "username", "email", "role", "created_at"}
    assert not {u["id"] for u in page["items"]} & {u["id"] for u in second.json()["items"]}


async def test_users_page_size_is_capped_at_100(client, factory):
    admin = await factory.admin()

    response = await client.get("/api/auth/users?limit=101", headers=admin.headers)

    assert response.status_code == 422
    assert [d["field"] for d in response.json()["error"]["details"]] == ["limit"]


async def test_admin_changes_a_users_role_and_the_next_token_carries_it(client, factory):
    admin = await factory.admin()
    customer = await factory.account()

    response = await client.patch(
        f"/api/auth/users/{customer.id}/role", json={"role": "admin"}, headers=admin.headers
    )

    assert response.status_code == 200
    assert response.json() == {**customer.user, "role": "admin"}
    refreshed = await client.post(
        "/api/auth/refresh", json={"refresh_token": customer.refresh_token}
    )
    assert refreshed.json()["user"]["role"] == "admin"
    listing = await client.get("/api/auth/users", headers=bearer(refreshed.json()["access_token"]))
    assert listing.status_code == 200


async def test_demoting_an_admin_ends_their_sessions(client, factory):
    admin = await factory.admin()
    other_admin = await factory.admin()

    response = await client.patch(
        f"/api/auth/users/{other_admin.id}/role", json={"role": "customer"}, headers=admin.headers
    )

    assert response.json()["role"] == "customer"
    stale = await client.get("/api/auth/users", headers=other_admin.headers)
    assert stale.status_code == 401
    relogin = await factory.login(other_admin.email)
    assert relogin.user["role"] == "customer"


async def test_changing_the_role_of_an_unknown_user_is_404(client, factory):
    admin = await factory.admin()

    response = await client.patch(
        f"/api/auth/users/{uuid.uuid4()}/role", json={"role": "admin"}, headers=admin.headers
    )

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "user_not_found"


async def test_an_admin_cannot_change_their_own_role(client, factory):
    admin = await factory.admin()

    response = await client.patch(
        f"/api/auth/users/{admin.id}/role", json={"role": "customer"}, headers=admin.headers
    )

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "own_role_change"


async def test_role_change_refuses_unknown_roles_and_fields(client, factory):
    admin = await factory.admin()
    customer = await factory.account()
    url = f"/api/auth/users/{customer.id}/role"

    bad_role = await client.patch(url, json={"role": "root"}, headers=admin.headers)
    extra = await client.patch(url, json={"role": "admin", "x": 1}, headers=admin.headers)
    bad_id = await client.patch(
        "/api/auth/users/not-a-uuid/role", json={"role": "admin"}, headers=admin.headers
    )

    assert bad_role.status_code == extra.status_code == bad_id.status_code == 422
    assert [d["field"] for d in bad_role.json()["error"]["details"]] == ["role"]
    assert [d["field"] for d in extra.json()["error"]["details"]] == ["x"]
    assert [d["field"] for d in bad_id.json()["error"]["details"]] == ["user_id"]


async def test_jwks_serves_the_public_key_that_verifies_access_tokens(client, factory):
    account = await factory.account()

    response = await client.get("/api/auth/.well-known/jwks.json")

    assert response.status_code == 200
    keys = response.json()["keys"]
    kid = jwt.get_unverified_header(account.access_token)["kid"]
    jwk = next(k for k in keys if k["kid"] == kid)
    assert jwk["kty"] == "RSA" and jwk["alg"] == "RS256" and jwk["use"] == "sig"
    assert set(jwk) == {"kty", "n", "e", "kid", "use", "alg"}
    public_key = jwt.PyJWK(jwk).key
    claims = jwt.decode(account.access_token, public_key, algorithms=["RS256"], audience="shop")
    assert claims["sub"] == account.id
