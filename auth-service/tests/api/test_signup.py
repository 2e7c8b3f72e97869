import uuid

import jwt
from auth_service_tests_factories import PASSWORD, signup_payload
from shop_contracts import Envelope, Role
from shop_contracts.events import UserRegistered
from sqlalchemy import text


async def test_signup_creates_a_customer_and_signs_them_in(client):
    payload = signup_payload()

    response = await client.post("/api/auth/signup", json=payload)

    assert response.status_code == 201
    body = response.json()
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 900
    assert body["user"]["username"] == payload["username"]
    assert body["user"]["email"] == payload["email"]
    assert body["user"]["role"] == "customer"
    assert set(body["user"]) == {"id", "username", "email", "role", "created_at"}
    assert body["refresh_token"] and body["refresh_token"] != body["access_token"]
    me = await client.get(
        "/api/auth/me", headers={"Authorization": f"Bearer {body['access_token']}"}
    )
    assert me.json() == body["user"]


async def test_signup_access_token_has_the_contract_claims_and_header(client, settings):
    body = (await client.post("/api/auth/signup", json=signup_payload())).json()

    header = jwt.get_unverified_header(body["access_token"])
    claims = jwt.decode(body["access_token"], options={"verify_signature": False})

    assert header["alg"] == "RS256"
    assert header["typ"] == "at+jwt"
    assert header["kid"]
    assert set(claims) == {"sub", "role", "sid", "jti", "iss", "aud", "exp", "iat"}
    assert claims["sub"] == body["user"]["id"]
    assert claims["role"] == "customer"
    assert claims["iss"] == settings.jwt_issuer
    assert claims["aud"] == settings.jwt_audience
    assert claims["exp"] - claims["iat"] == 900


async def test_signup_refuses_a_role_in_the_body(client):
    response = await client.post("/api/auth/signup", json=signup_payload(role="admin"))

    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert [d["field"] for d in error["details"]] == ["role"]


async def test_signup_refuses_a_password_shorter_than_8_characters(client):
    response = await client.post("/api/auth/signup", json=signup_payload(password="short77"))

    assert response.status_code == 422
    assert [d["field"] for d in response.json()["error"]["details"]] == ["password"]
    assert "short77" not in response.text


async def test_signup_refuses_an_invalid_email(client):
    response = await client.post("/api/auth/signup", json=signup_payload(email="not-an-email"))

    assert response.status_code == 422
    assert [d["field"] for d in response.json()["error"]["details"]] == ["email"]


async def test_signup_with_a_taken_email_in_other_case_is_a_conflict(client, factory):
    existing = await factory.account()

    response = await client.post(
        "/api/auth/signup", json=signup_payload(email=existing.email.upper())
    )

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "email_taken"


async def test_signup_with_a_taken_username_in_other_case_is_a_conflict(client, factory):
    existing = await factory.account()

    response = await client.post(
        "/api/auth/signup", json=signup_payload(username=existing.user["username"].upper())
    )

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "username_taken"


async def test_signup_stores_an_argon2id_hash_not_the_password(client, sessions):
    payload = signup_payload()
    user_id = (await client.post("/api/auth/signup", json=payload)).json()["user"]["id"]

    async with sessions() as session:
        stored = await session.scalar(
            text("SELECT password_hash FROM users WHERE id = :id"), {"id": uuid.UUID(user_id)}
        )

    assert stored.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert PASSWORD not in stored


async def test_signup_writes_user_registered_to_the_outbox_in_the_same_transaction(
    client, sessions
):
    body = (await client.post("/api/auth/signup", json=signup_payload())).json()

    async with sessions() as session:
        rows = (
            await session.execute(
                text(
                    "SELECT routing_key, body FROM outbox "
                    "WHERE routing_key = 'user.registered' AND convert_from(body, 'UTF8') LIKE :needle"
                ),
                {"needle": f"%{body['user']['id']}%"},
            )
        ).all()

    assert len(rows) == 1
    envelope = Envelope.model_validate_json(rows[0].body)
    assert envelope.type == "user.registered"
    assert envelope.producer == "auth-service"
    event = UserRegistered.model_validate(envelope.data)
    assert event.user_id == uuid.UUID(body["user"]["id"])
    assert event.username == body["user"]["username"]
    assert event.email == body["user"]["email"]
    assert event.role is Role.CUSTOMER
