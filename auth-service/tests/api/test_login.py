import uuid

from argon2 import PasswordHasher
from auth_service.security import PASSWORD_HASHER
from auth_service_tests_factories import PASSWORD, bearer
from sqlalchemy import text


async def login(client, identifier, password=PASSWORD):
    return await client.post("/api/auth/login", json={"email": identifier, "password": password})


async def test_login_with_email_returns_the_signup_shape(client, factory):
    account = await factory.account()

    response = await login(client, account.email)

    assert response.status_code == 200
    body = response.json()
    assert body["user"] == account.user
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 900
    me = await client.get("/api/auth/me", headers=bearer(body["access_token"]))
    assert me.json()["id"] == account.id


async def test_login_accepts_the_username_in_the_email_field_ignoring_case(client, factory):
    account = await factory.account()

    response = await login(client, account.user["username"].upper())

    assert response.status_code == 200
    assert response.json()["user"]["id"] == account.id


async def test_login_answers_unknown_user_and_wrong_password_identically(client, factory):
    account = await factory.account()

    wrong_password = await login(client, account.email, "not the password")
    unknown_user = await login(client, f"nobody-{uuid.uuid4().hex}@example.com")

    assert wrong_password.status_code == unknown_user.status_code == 401
    wrong_error = wrong_password.json()["error"]
    unknown_error = unknown_user.json()["error"]
    assert wrong_error["code"] == unknown_error["code"] == "invalid_credentials"
    assert wrong_error["message"] == unknown_error["message"]
    assert "access_token" not in wrong_password.text


async def test_login_is_throttled_after_five_failures_with_retry_after(client, factory):
    account = await factory.account()
    for _ in range(5):
        assert (await login(client, account.email, "wrong password")).status_code == 401

    throttled = await login(client, account.email, "wrong password")
    even_the_right_password = await login(client, account.email)

    assert throttled.status_code == 429
    assert throttled.json()["error"]["code"] == "too_many_login_attempts"
    assert 0 < int(throttled.headers["Retry-After"]) <= 900
    assert even_the_right_password.status_code == 429


async def test_successful_login_clears_earlier_failures(client, factory):
    account = await factory.account()
    for _ in range(4):
        await login(client, account.email, "wrong password")
    assert (await login(client, account.email)).status_code == 200

    for _ in range(4):
        assert (await login(client, account.email, "wrong password")).status_code == 401
    assert (await login(client, account.email)).status_code == 200


async def test_login_rehashes_a_password_hashed_with_old_parameters(client, factory, sessions):
    account = await factory.account()
    weak = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash(PASSWORD)
    async with sessions() as session, session.begin():
        await session.execute(
            text("UPDATE users SET password_hash = :h WHERE id = :id"),
            {"h": weak, "id": uuid.UUID(account.id)},
        )

    assert (await login(client, account.email)).status_code == 200

    async with sessions() as session:
        stored = await session.scalar(
            text("SELECT password_hash FROM users WHERE id = :id"), {"id": uuid.UUID(account.id)}
        )
    assert stored != weak
    assert not PASSWORD_HASHER.check_needs_rehash(stored)
    assert (await login(client, account.email)).status_code == 200


async def test_login_refuses_unknown_fields_and_an_empty_identifier(client):
    extra = await client.post(
        "/api/auth/login", json={"email": "a@example.com", "password": "x" * 8, "role": "admin"}
    )
    empty = await client.post("/api/auth/login", json={"email": "", "password": "x" * 8})

    assert extra.status_code == empty.status_code == 422
    assert [d["field"] for d in extra.json()["error"]["details"]] == ["role"]
    assert [d["field"] for d in empty.json()["error"]["details"]] == ["email"]
