import base64
import uuid

import jwt
import pytest
from argon2 import PasswordHasher
from auth_service import security
from auth_service.security import SigningKeyPair, TokenIssuer, UndecryptableSigningKey
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from pydantic import SecretStr
from service_kit.auth import TokenVerifier
from shop_contracts import Role


async def test_password_hash_is_argon2id_with_owasp_parameters():
    stored = await security.hash_password("correct horse battery")

    assert stored.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert await security.verify_password(stored, "correct horse battery")
    assert not await security.verify_password(stored, "correct horse batterY")


async def test_password_check_against_a_malformed_hash_is_a_mismatch_not_an_error():
    assert not await security.verify_password("not-a-hash", "whatever1")


def test_hash_made_with_other_parameters_needs_a_rehash():
    old = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash("pw123456")

    assert security.needs_rehash(old)
    assert not security.needs_rehash(security.PASSWORD_HASHER.hash("pw123456"))


def test_refresh_tokens_are_random_and_stored_as_sha256():
    first, second = security.new_refresh_token(), security.new_refresh_token()

    assert first != second
    assert len(first) >= 43
    assert len(security.refresh_token_hash(first)) == 32
    assert security.refresh_token_hash(first) == security.refresh_token_hash(first)


def _uint(b64url: str) -> int:
    return int.from_bytes(base64.urlsafe_b64decode(b64url + "=" * (-len(b64url) % 4)), "big")


def test_kid_is_the_rfc7638_thumbprint_of_the_public_key():
    # RFC 7638, section 3.1: the thumbprint of its example RSA key.
    n = (
        "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_B"
        "JECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_F"
        "DW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4"
        "vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw"
    )
    public_key = rsa.RSAPublicNumbers(e=_uint("AQAB"), n=_uint(n)).public_key()

    jwk = security.public_jwk(public_key)

    assert jwk == {
        "kty": "RSA",
        "n": n,
        "e": "AQAB",
        "kid": "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs",
        "use": "sig",
        "alg": "RS256",
    }


def test_signing_keys_are_rsa_2048_with_exponent_65537():
    pair = SigningKeyPair.generate()

    assert pair.private_key.key_size == 2048
    assert pair.private_key.public_key().public_numbers().e == 65537
    assert pair.public_jwk["e"] == "AQAB"
    assert len(base64.urlsafe_b64decode(pair.public_jwk["n"] + "==")) == 256


def test_private_key_round_trips_only_under_the_same_key_encryption_key():
    pair = SigningKeyPair.generate()
    cipher = security.key_cipher(SecretStr("the key-encryption key"))
    der = pair.private_key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )

    encrypted = pair.encrypt(cipher)

    assert der not in encrypted
    assert cipher.decrypt(encrypted) == der
    assert SigningKeyPair.decrypt(pair.kid, encrypted, cipher).public_jwk == pair.public_jwk
    other = security.key_cipher(SecretStr("another key"))
    with pytest.raises(UndecryptableSigningKey, match=pair.kid):
        SigningKeyPair.decrypt(pair.kid, encrypted, other)


async def test_issued_access_token_passes_the_kits_verifier():
    pair = SigningKeyPair.generate()
    issuer = TokenIssuer(pair, issuer="shop-auth", audience="shop", ttl_seconds=900)
    verifier = TokenVerifier(
        jwks_url="http://127.0.0.1:9/unused", issuer="shop-auth", audience="shop", revocations=None
    )
    verifier.set_keys(security.jwks([pair.public_jwk]))
    user_id, session_id = uuid.uuid4(), uuid.uuid4()

    token = issuer.access_token(user_id=user_id, role=Role.ADMIN, session_id=session_id)
    principal = await verifier.verify(token.token)

    assert token.expires_in == 900
    assert principal.user_id == user_id
    assert principal.role is Role.ADMIN
    assert principal.session_id == str(session_id)
    assert jwt.get_unverified_header(token.token) == {
        "alg": "RS256",
        "kid": pair.kid,
        "typ": "at+jwt",
    }


def test_a_stored_ed25519_key_does_not_decrypt_as_a_signing_key():
    """Keys written before access tokens were RS256 were raw 32-byte Ed25519 keys."""
    cipher = security.key_cipher(SecretStr("the key-encryption key"))
    encrypted = cipher.encrypt(bytes(range(32)))

    with pytest.raises(UndecryptableSigningKey, match="old-kid"):
        SigningKeyPair.decrypt("old-kid", encrypted, cipher)
