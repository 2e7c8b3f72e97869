"""Access-token verification, the same in the gateway and in every service.

Tokens are RS256-signed JWTs issued by the auth service (an RSA-2048 signature is several times
cheaper to verify than an Ed25519 one, and every request verifies one). The verifier fetches the
public keys from its JWKS endpoint, caches them by `kid`, and refetches (at most every few
seconds) when a token names a key it does not know, so key rotation needs no restart. A
logged-out session is refused through the revocation list in Redis.

The verification key is cached, never a decoded token: each request's token is verified in full.
Its header is read by hand, cheaply, only to pick the key; the token then goes through PyJWT
once, which checks the signature and the claims.
"""

import asyncio
import base64
import json
import logging
import time
from dataclasses import dataclass
from typing import Annotated, Any
from uuid import UUID

import aiohttp
import jwt
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from redis.asyncio import Redis
from shop_contracts import Role

from service_kit.errors import Forbidden, ServiceUnavailable, Unauthorized

log = logging.getLogger(__name__)

ACCESS_TOKEN_ALGORITHM = "RS256"
ACCESS_TOKEN_KEY_TYPE = "RSA"
ACCESS_TOKEN_TYPE = "at+jwt"
REVOKED_SESSION_KEY = "auth:revoked-session:{sid}"


@dataclass(frozen=True, slots=True)
class Principal:
    user_id: UUID
    role: Role
    session_id: str
    token_id: str

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN


class InvalidToken(Unauthorized):
    code = "invalid_token"
    message = "The access token is invalid or expired."


class RevocationList:
    """Sessions revoked by logout or refresh-token reuse.

    A session seen as live is not asked about again for `recheck_seconds`, so a revocation
    is noticed within that time while most requests need no Redis round trip.
    """

    def __init__(self, redis: Redis, recheck_seconds: float = 0.5) -> None:
        self.redis = redis
        self.recheck_seconds = recheck_seconds
        self._live_until: dict[str, float] = {}

    async def is_revoked(self, session_id: str) -> bool:
        now = time.monotonic()
        if self._live_until.get(session_id, 0.0) > now:
            return False
        revoked = bool(await self.redis.exists(REVOKED_SESSION_KEY.format(sid=session_id)))
        if revoked:
            self._live_until.pop(session_id, None)
        else:
            if len(self._live_until) > 100_000:
                self._live_until.clear()
            self._live_until[session_id] = now + self.recheck_seconds
        return revoked

    async def revoke(self, session_id: str, ttl_seconds: int) -> None:
        await self.redis.set(REVOKED_SESSION_KEY.format(sid=session_id), "1", ex=ttl_seconds)
        # The revoking process must not keep trusting the session from its own cache.
        self._live_until.pop(session_id, None)


class TokenVerifier:
    def __init__(
        self,
        *,
        jwks_url: str,
        issuer: str,
        audience: str,
        revocations: RevocationList | None,
        http: aiohttp.ClientSession | None = None,
        refetch_interval: float = 5.0,
    ) -> None:
        self.jwks_url = jwks_url
        self.issuer = issuer
        self.audience = audience
        self.revocations = revocations
        self._http = http
        self._keys: dict[str, RSAPublicKey] = {}
        self._fetched_at = 0.0
        self._refetch_interval = refetch_interval
        self._lock = asyncio.Lock()

    def set_keys(self, jwks: dict[str, Any]) -> None:
        """Trust the RSA signing keys of a JWKS; other entries (e.g. keys of another algorithm
        left from before a change of algorithm) are skipped, not an error."""
        keys = {}
        for jwk in jwks.get("keys", []):
            kid = jwk.get("kid")
            if not isinstance(kid, str) or not kid:
                continue
            if jwk.get("kty") != ACCESS_TOKEN_KEY_TYPE or jwk.get("use", "sig") != "sig":
                continue
            try:
                key = jwt.PyJWK(jwk, algorithm=ACCESS_TOKEN_ALGORITHM).key
            except jwt.PyJWTError:
                key = None
            if isinstance(key, RSAPublicKey):
                keys[kid] = key
            else:
                log.warning("skipping an unusable signing key", extra={"kid": kid})
        self._keys = keys
        self._fetched_at = time.monotonic()

    async def _refresh_keys(self) -> None:
        async with self._lock:
            if time.monotonic() - self._fetched_at < self._refetch_interval and self._keys:
                return
            http = self._http or aiohttp.ClientSession()
            try:
                async with http.get(self.jwks_url, timeout=aiohttp.ClientTimeout(total=3)) as resp:
                    resp.raise_for_status()
                    self.set_keys(await resp.json())
            except (aiohttp.ClientError, TimeoutError) as exc:
                log.warning("could not fetch signing keys", extra={"jwks_url": self.jwks_url})
                if not self._keys:
                    raise ServiceUnavailable("Token keys are unavailable.") from exc
                self._fetched_at = time.monotonic()
            finally:
                if self._http is None:
                    await http.close()

    async def _key_for(self, kid: str) -> RSAPublicKey:
        key = self._keys.get(kid)
        if key is None:
            await self._refresh_keys()
            key = self._keys.get(kid)
        if key is None:
            raise InvalidToken()
        return key

    def decode(self, token: str, key: RSAPublicKey) -> dict[str, Any]:
        claims: dict[str, Any] = jwt.decode(
            token,
            key,
            algorithms=[ACCESS_TOKEN_ALGORITHM],
            audience=self.audience,
            issuer=self.issuer,
            options={"require": ["exp", "iat", "sub", "jti", "sid", "role", "iss", "aud"]},
            leeway=5,
        )
        return claims

    async def verify(self, token: str) -> Principal:
        kid = _access_token_kid(token)
        key = await self._key_for(kid)
        try:
            claims = self.decode(token, key)
            principal = Principal(
                user_id=UUID(str(claims["sub"])),
                role=Role(claims["role"]),
                session_id=str(claims["sid"]),
                token_id=str(claims["jti"]),
            )
        except (jwt.PyJWTError, ValueError):
            raise InvalidToken() from None
        if self.revocations is not None and await self.revocations.is_revoked(principal.session_id):
            raise InvalidToken("The session has ended; sign in again.")
        return principal


def _access_token_kid(token: str) -> str:
    """The `kid` of a token whose header says RS256 access token; anything else is refused.

    Only picks the key: nothing here is trusted until PyJWT has checked the signature, which
    parses (strictly) the same header again."""
    segments = token.split(".")
    if len(segments) != 3:
        raise InvalidToken()
    encoded = segments[0]
    try:
        header = json.loads(base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)))
    except (ValueError, RecursionError):  # bad base64, bytes that are not UTF-8, or not JSON
        raise InvalidToken() from None
    if not isinstance(header, dict):
        raise InvalidToken()
    kid = header.get("kid")
    if (
        header.get("alg") != ACCESS_TOKEN_ALGORITHM
        or header.get("typ") != ACCESS_TOKEN_TYPE
        or not isinstance(kid, str)
    ):
        raise InvalidToken()
    return kid


bearer_scheme = HTTPBearer(auto_error=False, description="Access token from /api/auth/login")


def verifier_of(request: Request) -> TokenVerifier:
    verifier: TokenVerifier = request.app.state.kit.verifier
    return verifier


async def current_user(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)],
) -> Principal:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthorized()
    principal = await verifier_of(request).verify(credentials.credentials)
    request.state.principal = principal
    return principal


async def require_admin(principal: Annotated[Principal, Depends(current_user)]) -> Principal:
    if not principal.is_admin:
        raise Forbidden("This needs the admin role.")
    return principal


CurrentUser = Annotated[Principal, Depends(current_user)]
RequireAdmin = Annotated[Principal, Depends(require_admin)]
