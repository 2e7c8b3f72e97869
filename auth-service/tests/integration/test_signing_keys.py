from datetime import UTC, datetime, timedelta

import jwt
import pytest
from auth_service import security, service
from auth_service.main import create_app
from auth_service.models import SigningKey
from auth_service.security import SigningKeyPair, UndecryptableSigningKey
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from pydantic import SecretStr
from service_kit.testing import app_client
from sqlalchemy import select, text, update


def _pkcs8_der(private_key) -> bytes:
    return private_key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


async def _stored_keys(sessions):
    async with sessions() as session:
        return (
            await session.execute(
                text("SELECT kid, private_key_encrypted, public_jwk FROM signing_keys")
            )
        ).all()


async def test_first_start_creates_one_key_and_later_starts_reuse_it(
    app, client, sessions, settings
):
    before = await _stored_keys(sessions)

    async with app_client(create_app(settings)) as second:
        jwks = (await second.get("/api/auth/.well-known/jwks.json")).json()

    assert len(before) == 1
    assert await _stored_keys(sessions) == before
    assert [k["kid"] for k in jwks["keys"]] == [before[0].kid]


async def test_private_key_is_stored_encrypted_with_the_key_encryption_key(
    sessions, settings, tokens
):
    (row,) = await _stored_keys(sessions)
    der = _pkcs8_der(tokens.issuer.signing_key.private_key)

    assert der not in row.private_key_encrypted
    cipher = security.key_cipher(settings.key_encryption_key)
    assert cipher.decrypt(row.private_key_encrypted) == der
    decrypted = SigningKeyPair.decrypt(row.kid, row.private_key_encrypted, cipher)
    assert _pkcs8_der(decrypted.private_key) == der
    assert row.public_jwk == decrypted.public_jwk


async def test_a_service_whose_key_encryption_key_changed_refuses_to_start(client, settings):
    wrong = settings.model_copy(update={"key_encryption_key": SecretStr("some other key")})

    with pytest.raises(UndecryptableSigningKey):
        async with app_client(create_app(wrong)):
            pass


async def test_two_instances_verify_each_others_tokens(factory, settings):
    account = await factory.account()

    async with app_client(create_app(settings)) as second:
        response = await second.get("/api/auth/me", headers=account.headers)

    assert response.status_code == 200
    assert response.json()["id"] == account.id
    assert jwt.get_unverified_header(account.access_token)["kid"]


def _ed25519_row(cipher, kid: str, created_at: datetime | None = None) -> SigningKey:
    """A key as stored before access tokens were RS256: raw Ed25519 bytes, algorithm EdDSA."""
    private_key = Ed25519PrivateKey.generate()
    raw_public = private_key.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    return SigningKey(
        kid=kid,
        algorithm="EdDSA",
        private_key_encrypted=cipher.encrypt(private_key.private_bytes_raw()),
        public_jwk={
            "kty": "OKP",
            "crv": "Ed25519",
            "x": security._b64url(raw_public),
            "kid": kid,
            "use": "sig",
            "alg": "EdDSA",
        },
        **({"created_at": created_at} if created_at else {}),
    )


async def test_eddsa_keys_of_before_rs256_are_retired_and_an_rs256_key_created(sessions, settings):
    cipher = security.key_cipher(settings.key_encryption_key)
    # In a transaction rolled back at the end: the suite's own key stays as it was.
    async with sessions() as session, session.begin():
        await session.execute(update(SigningKey).values(retired_at=datetime.now(UTC)))
        session.add(_ed25519_row(cipher, "legacy-eddsa"))
        await session.flush()

        keys = await service.load_signing_keys(session, cipher)

        assert keys.signing.public_jwk["alg"] == "RS256"
        assert keys.signing.kid != "legacy-eddsa"
        assert [jwk["kid"] for jwk in keys.public_jwks] == [keys.signing.kid]
        legacy = await session.scalar(select(SigningKey).where(SigningKey.kid == "legacy-eddsa"))
        assert legacy is not None and legacy.retired_at is not None
        stored = await session.scalar(select(SigningKey).where(SigningKey.kid == keys.signing.kid))
        assert stored is not None and stored.algorithm == "RS256" and stored.retired_at is None
        assert await service.public_keys(session) == [keys.signing.public_jwk]
        await session.rollback()


async def test_a_newer_eddsa_key_is_ignored_beside_an_rs256_key(sessions, settings, tokens):
    cipher = security.key_cipher(settings.key_encryption_key)
    async with sessions() as session, session.begin():
        newer = datetime.now(UTC) + timedelta(hours=1)
        session.add(_ed25519_row(cipher, "newer-eddsa", created_at=newer))
        await session.flush()

        keys = await service.load_signing_keys(session, cipher)

        assert keys.signing.kid == tokens.issuer.signing_key.kid
        assert "newer-eddsa" not in [jwk["kid"] for jwk in keys.public_jwks]
        await session.rollback()


async def test_a_rotated_key_signs_after_a_restart_while_the_old_keys_tokens_stay_valid(
    factory, sessions, settings
):
    """Rotation without logging anyone out: a new key signs once an instance restarts; the
    tokens the old key signed keep working, and so do the sessions' refresh tokens."""
    cipher = security.key_cipher(settings.key_encryption_key)
    account = await factory.account()
    old_kid = jwt.get_unverified_header(account.access_token)["kid"]
    async with sessions() as session, session.begin():
        new_kid = await service.rotate_signing_key(session, cipher)
    try:
        async with app_client(create_app(settings)) as restarted:
            login = await restarted.post(
                "/api/auth/login",
                json={"email": account.user["email"], "password": account.password},
            )
            assert login.status_code == 200
            assert jwt.get_unverified_header(login.json()["access_token"])["kid"] == new_kid
            me = await restarted.get("/api/auth/me", headers=account.headers)
            assert me.status_code == 200
            jwks = (await restarted.get("/api/auth/.well-known/jwks.json")).json()
            assert {key["kid"] for key in jwks["keys"]} == {old_kid, new_kid}
            refreshed = await restarted.post(
                "/api/auth/refresh", json={"refresh_token": account.refresh_token}
            )
            assert refreshed.status_code == 200
            assert jwt.get_unverified_header(refreshed.json()["access_token"])["kid"] == new_kid
    finally:
        async with sessions() as session, session.begin():
            await session.execute(
                text("DELETE FROM signing_keys WHERE kid = :kid"), {"kid": new_kid}
            )


async def test_older_keys_are_retired_only_after_the_access_tokens_lifetime(sessions, settings):
    cipher = security.key_cipher(settings.key_encryption_key)
    ttl = timedelta(seconds=settings.access_token_ttl_seconds)
    # In a transaction rolled back at the end: the suite's own key stays as it was.
    async with sessions() as session, session.begin():
        old = [key["kid"] for key in await service.public_keys(session)]
        new_kid = await service.rotate_signing_key(session, cipher)

        with pytest.raises(service.NewestKeyTooYoung):
            await service.retire_older_signing_keys(session, ttl)
        assert {key["kid"] for key in await service.public_keys(session)} == {*old, new_kid}

        retired = await service.retire_older_signing_keys(session, timedelta(0))
        assert sorted(retired) == sorted(old)
        assert [key["kid"] for key in await service.public_keys(session)] == [new_kid]
        await session.rollback()
