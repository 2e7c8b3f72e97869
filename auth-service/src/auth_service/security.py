"""Password hashing, access-token signing, refresh tokens and signing-key handling.

No I/O here except CPU work pushed to a thread: argon2 takes tens of milliseconds by design,
and argon2-cffi releases the GIL, so hashing in a thread keeps the event loop serving.
"""

import asyncio
import base64
import hashlib
import json
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

import jwt
from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError
from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from pydantic import SecretStr
from service_kit.auth import ACCESS_TOKEN_ALGORITHM, ACCESS_TOKEN_KEY_TYPE, ACCESS_TOKEN_TYPE
from shop_contracts import Role

# OWASP's argon2id recommendation: 19 MiB, two passes, one lane.
PASSWORD_HASHER = PasswordHasher(
    time_cost=2, memory_cost=19456, parallelism=1, hash_len=32, salt_len=16, type=Type.ID
)


async def hash_password(password: str, hasher: PasswordHasher = PASSWORD_HASHER) -> str:
    return await asyncio.to_thread(hasher.hash, password)


async def verify_password(
    stored_hash: str, password: str, hasher: PasswordHasher = PASSWORD_HASHER
) -> bool:
    try:
        return await asyncio.to_thread(hasher.verify, stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str, hasher: PasswordHasher = PASSWORD_HASHER) -> bool:
    try:
        return hasher.check_needs_rehash(stored_hash)
    except InvalidHashError:
        return True


@cache
def _dummy_hash() -> str:
    return PASSWORD_HASHER.hash(secrets.token_urlsafe(16))


async def spend_verification_time(password: str) -> None:
    """Do the work of a password check for a user that does not exist, so that the response
    time does not tell which identifiers are registered."""
    dummy = await asyncio.to_thread(_dummy_hash)
    await verify_password(dummy, password)


def generate_password() -> str:
    return secrets.token_urlsafe(18)


# Refresh tokens are opaque; the database keeps only their SHA-256.
def new_refresh_token() -> str:
    return secrets.token_urlsafe(32)


def refresh_token_hash(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


# Signing keys


class UndecryptableSigningKey(RuntimeError):
    pass


def key_cipher(key_encryption_key: SecretStr) -> Fernet:
    """A Fernet key derived from the configured key-encryption key (HKDF-SHA256)."""
    derived = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"shop-auth signing keys v1"
    ).derive(key_encryption_key.get_secret_value().encode())
    return Fernet(base64.urlsafe_b64encode(derived))


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _b64url_uint(value: int) -> str:
    """An unsigned integer as JWK members carry it: big-endian, fewest octets (RFC 7518 §2)."""
    return _b64url(value.to_bytes((value.bit_length() + 7) // 8, "big"))


RSA_KEY_SIZE = 2048
RSA_PUBLIC_EXPONENT = 65537


def public_jwk(public_key: rsa.RSAPublicKey) -> dict[str, str]:
    """The JWK of a public key; its `kid` is the RFC 7638 thumbprint (over `e`, `kty`, `n`)."""
    numbers = public_key.public_numbers()
    required = {
        "e": _b64url_uint(numbers.e),
        "kty": ACCESS_TOKEN_KEY_TYPE,
        "n": _b64url_uint(numbers.n),
    }
    canonical = json.dumps(required, separators=(",", ":"), sort_keys=True).encode()
    kid = _b64url(hashlib.sha256(canonical).digest())
    return {**required, "kid": kid, "use": "sig", "alg": ACCESS_TOKEN_ALGORITHM}


@dataclass(frozen=True)
class SigningKeyPair:
    kid: str
    private_key: rsa.RSAPrivateKey
    public_jwk: dict[str, str]

    @classmethod
    def generate(cls) -> "SigningKeyPair":
        private_key = rsa.generate_private_key(
            public_exponent=RSA_PUBLIC_EXPONENT, key_size=RSA_KEY_SIZE
        )
        jwk = public_jwk(private_key.public_key())
        return cls(kid=jwk["kid"], private_key=private_key, public_jwk=jwk)

    def encrypt(self, cipher: Fernet) -> bytes:
        """The private key as PKCS#8 DER, encrypted with the key-encryption key."""
        der = self.private_key.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        return cipher.encrypt(der)

    @classmethod
    def decrypt(cls, kid: str, encrypted: bytes, cipher: Fernet) -> "SigningKeyPair":
        try:
            der = cipher.decrypt(encrypted)
        except InvalidToken:
            raise UndecryptableSigningKey(
                f"signing key {kid} does not decrypt with the configured KEY_ENCRYPTION_KEY"
            ) from None
        try:
            private_key = serialization.load_der_private_key(der, password=None)
        except ValueError:
            raise UndecryptableSigningKey(f"signing key {kid} is not PKCS#8") from None
        if not isinstance(private_key, rsa.RSAPrivateKey):
            raise UndecryptableSigningKey(f"signing key {kid} is not an RSA key")
        return cls(
            kid=kid, private_key=private_key, public_jwk=public_jwk(private_key.public_key())
        )


def jwks(public_jwks: list[dict[str, Any]]) -> dict[str, Any]:
    return {"keys": public_jwks}


@dataclass(frozen=True)
class AccessToken:
    token: str
    expires_in: int


class TokenIssuer:
    """Signs access tokens with the current signing key."""

    def __init__(
        self, signing_key: SigningKeyPair, *, issuer: str, audience: str, ttl_seconds: int
    ) -> None:
        self.signing_key = signing_key
        self.issuer = issuer
        self.audience = audience
        self.ttl_seconds = ttl_seconds

    def access_token(self, *, user_id: uuid.UUID, role: Role, session_id: uuid.UUID) -> AccessToken:
        now = datetime.now(UTC)
        claims = {
            "sub": str(user_id),
            "role": role.value,
            "sid": str(session_id),
            "jti": uuid.uuid4().hex,
            "iss": self.issuer,
            "aud": self.audience,
            "iat": now,
            "exp": now + timedelta(seconds=self.ttl_seconds),
        }
        return AccessToken(self.sign(claims), self.ttl_seconds)

    def sign(self, claims: dict[str, Any]) -> str:
        return jwt.encode(
            claims,
            self.signing_key.private_key,
            algorithm=ACCESS_TOKEN_ALGORITHM,
            headers={"kid": self.signing_key.kid, "typ": ACCESS_TOKEN_TYPE},
        )
