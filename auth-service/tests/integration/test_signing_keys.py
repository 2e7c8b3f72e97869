import jwt
import pytest
from auth_service import security
from auth_service.main import create_app
from auth_service.security import SigningKeyPair, UndecryptableSigningKey
from pydantic import SecretStr
from service_kit.testing import app_client
from sqlalchemy import text


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
    raw = tokens.issuer.signing_key.private_key.private_bytes_raw()

    assert raw not in row.private_key_encrypted
    cipher = security.key_cipher(settings.key_encryption_key)
    decrypted = SigningKeyPair.decrypt(row.kid, row.private_key_encrypted, cipher)
    assert decrypted.private_key.private_bytes_raw() == raw
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
