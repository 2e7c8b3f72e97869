"""Refresh-token rotation, reuse detection, and logout."""

import uuid

import jwt
from auth_service_tests_factories import bearer
from sqlalchemy import text


async def refresh(client, token):
    return await client.post("/api/auth/refresh", json={"refresh_token": token})


async def test_refresh_returns_a_new_pair_and_the_old_refresh_token_stops_working(client, factory):
    account = await factory.account()

    rotated = await refresh(client, account.refresh_token)

    assert rotated.status_code == 200
    body = rotated.json()
    assert body["user"]["id"] == account.id
    assert body["refresh_token"] != account.refresh_token
    assert body["access_token"] != account.access_token
    assert (
        await client.get("/api/auth/me", headers=bearer(body["access_token"]))
    ).status_code == 200
    assert (await refresh(client, body["refresh_token"])).status_code == 200


async def test_reusing_a_rotated_refresh_token_revokes_the_whole_session(client, factory, sessions):
    account = await factory.account()
    rotated = (await refresh(client, account.refresh_token)).json()

    reuse = await refresh(client, account.refresh_token)

    assert reuse.status_code == 401
    assert reuse.json()["error"]["code"] == "refresh_token_reused"
    # The thief's and the owner's newer tokens of that session all stop working.
    newest_refresh = await refresh(client, rotated["refresh_token"])
    assert newest_refresh.status_code == 401
    newest_access = await client.get("/api/auth/me", headers=bearer(rotated["access_token"]))
    assert newest_access.status_code == 401
    assert newest_access.json()["error"]["code"] == "invalid_token"
    sid = _sid(rotated["access_token"])
    async with sessions() as session:
        row = (
            await session.execute(
                text("SELECT revoked_at, revoke_reason FROM sessions WHERE id = :id"), {"id": sid}
            )
        ).one()
    assert row.revoked_at is not None
    assert row.revoke_reason == "refresh_token_reuse"


async def test_reuse_revocation_leaves_other_sessions_of_the_user_alone(client, factory):
    account = await factory.account()
    other = await factory.login(account.email)
    await refresh(client, account.refresh_token)

    assert (await refresh(client, account.refresh_token)).status_code == 401

    assert (await client.get("/api/auth/me", headers=other.headers)).status_code == 200
    assert (await refresh(client, other.refresh_token)).status_code == 200


async def test_refresh_with_an_unknown_token_is_unauthorized(client):
    response = await refresh(client, "not-a-refresh-token")

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "invalid_refresh_token"


async def test_refresh_with_an_expired_token_is_unauthorized(client, factory, sessions):
    account = await factory.account()
    async with sessions() as session, session.begin():
        await session.execute(
            text(
                "UPDATE refresh_tokens SET expires_at = now() - interval '1 second' "
                "WHERE session_id = :sid"
            ),
            {"sid": _sid(account.access_token)},
        )

    response = await refresh(client, account.refresh_token)

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "invalid_refresh_token"


async def test_logout_rejects_that_access_token_and_refresh_token_afterwards(client, factory):
    account = await factory.account()

    response = await client.post(
        "/api/auth/logout", json={"refresh_token": account.refresh_token}, headers=account.headers
    )

    assert response.status_code == 204
    assert response.content == b""
    me = await client.get("/api/auth/me", headers=account.headers)
    assert me.status_code == 401
    assert me.json()["error"]["code"] == "invalid_token"
    again = await refresh(client, account.refresh_token)
    assert again.status_code == 401
    assert again.json()["error"]["code"] == "invalid_refresh_token"


async def test_logout_without_a_body_ends_the_session_of_the_access_token(client, factory):
    account = await factory.account()

    response = await client.post("/api/auth/logout", headers=account.headers)

    assert response.status_code == 204
    assert (await client.get("/api/auth/me", headers=account.headers)).status_code == 401
    assert (await refresh(client, account.refresh_token)).status_code == 401


async def test_logout_does_not_end_another_users_session(client, factory):
    account = await factory.account()
    victim = await factory.account()

    await client.post(
        "/api/auth/logout", json={"refresh_token": victim.refresh_token}, headers=account.headers
    )

    assert (await client.get("/api/auth/me", headers=victim.headers)).status_code == 200
    assert (await refresh(client, victim.refresh_token)).status_code == 200


async def test_logout_needs_an_access_token(client, factory):
    account = await factory.account()

    response = await client.post("/api/auth/logout", json={"refresh_token": account.refresh_token})

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"
    assert (await refresh(client, account.refresh_token)).status_code == 200


def _sid(access_token: str) -> uuid.UUID:
    return uuid.UUID(jwt.decode(access_token, options={"verify_signature": False})["sid"])
