"""Use cases of the auth service. Reads and writes go through the repository; events go to the
outbox in the same transaction; nothing here commits (the caller's unit of work does)."""

import asyncio
import logging
import re
import secrets
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from cryptography.fernet import Fernet
from service_kit.auth import ACCESS_TOKEN_ALGORITHM, Principal, RevocationList
from service_kit.outbox import add_event
from shop_contracts import Role
from shop_contracts.events import UserRegistered
from sqlalchemy.ext.asyncio import AsyncSession

from auth_service import repository as repo
from auth_service import security
from auth_service.errors import (
    EmailTaken,
    InvalidCredentials,
    InvalidRefreshToken,
    OwnRoleChange,
    RefreshTokenReused,
    UsernameTaken,
    UserNotFound,
)
from auth_service.identifiers import fold
from auth_service.models import EMAIL_INDEX, User
from auth_service.security import AccessToken, SigningKeyPair, TokenIssuer
from auth_service.throttle import LoginThrottle

log = logging.getLogger(__name__)

# An access token outlives its revocation check by at most the verifier's clock leeway.
_REVOCATION_MARGIN_SECONDS = 60


@dataclass(frozen=True)
class Tokens:
    """What issuing and ending sessions needs, built once at startup."""

    issuer: TokenIssuer
    revocations: RevocationList
    refresh_ttl: timedelta

    @property
    def revocation_ttl_seconds(self) -> int:
        return self.issuer.ttl_seconds + _REVOCATION_MARGIN_SECONDS


@dataclass(frozen=True)
class AuthResult:
    user: User
    access_token: AccessToken
    refresh_token: str


# Sign-up and sign-in


async def signup(
    session: AsyncSession, tokens: Tokens, *, username: str, email: str, password: str
) -> AuthResult:
    user = await _register(session, username=username, email=email, password=password)
    return await _start_session(session, tokens, user)


async def _register(
    session: AsyncSession, *, username: str, email: str, password: str, role: Role = Role.CUSTOMER
) -> User:
    email = fold(email)  # stored folded: one account per email however it is written
    if await repo.email_taken(session, email):
        raise EmailTaken()
    if await repo.username_taken(session, username):
        raise UsernameTaken()
    password_hash = await security.hash_password(password)
    try:
        user = await repo.add_user(
            session, username=username, email=email, password_hash=password_hash, role=role
        )
    except repo.UniqueViolation as race:
        raise EmailTaken() if race.constraint == EMAIL_INDEX else UsernameTaken() from None
    await add_event(
        session,
        UserRegistered(user_id=user.id, username=user.username, email=user.email, role=user.role),
    )
    return user


async def login(
    session: AsyncSession,
    tokens: Tokens,
    throttle: LoginThrottle,
    *,
    identifier: str,
    password: str,
    client: str,
) -> AuthResult:
    user = await repo.find_user_by_login(session, identifier)
    # The email and the username of one account count as one; an unknown name as itself.
    account = str(user.id) if user is not None else fold(identifier)
    await throttle.attempt(account, client)
    if user is None:
        await security.spend_verification_time(password)
        raise InvalidCredentials()
    if not await security.verify_password(user.password_hash, password):
        raise InvalidCredentials()
    await throttle.succeeded(account, client)
    if security.needs_rehash(user.password_hash):
        await repo.set_password_hash(session, user, await security.hash_password(password))
    return await _start_session(session, tokens, user)


# Sessions


async def _start_session(session: AsyncSession, tokens: Tokens, user: User) -> AuthResult:
    user_session = await repo.add_session(session, user.id)
    return await _issue(session, tokens, user, user_session.id)


async def _issue(
    session: AsyncSession, tokens: Tokens, user: User, session_id: uuid.UUID
) -> AuthResult:
    refresh_token = security.new_refresh_token()
    await repo.add_refresh_token(
        session,
        session_id=session_id,
        token_hash=security.refresh_token_hash(refresh_token),
        expires_at=datetime.now(UTC) + tokens.refresh_ttl,
    )
    access = tokens.issuer.access_token(user_id=user.id, role=user.role, session_id=session_id)
    return AuthResult(user=user, access_token=access, refresh_token=refresh_token)


async def refresh(
    session: AsyncSession, tokens: Tokens, refresh_token: str
) -> AuthResult | RefreshTokenReused:
    """Rotate a refresh token: a new pair in the same session, the old token used up.

    A used token coming back means it was copied: the session is ended, and the refusal is
    returned rather than raised so that the caller commits the revocation.
    """
    token_hash = security.refresh_token_hash(refresh_token)
    session_id = await repo.use_refresh_token(session, token_hash)
    if session_id is None:
        known = await repo.find_refresh_token(session, token_hash)
        if known is not None and known.used_at is not None:
            await _end_session(session, tokens, known.session_id, "refresh_token_reuse")
            return RefreshTokenReused()
        raise InvalidRefreshToken()
    user_session = await repo.get_session(session, session_id)
    if user_session is None or user_session.revoked_at is not None:
        raise InvalidRefreshToken()
    user = await repo.get_user(session, user_session.user_id)
    if user is None:
        raise InvalidRefreshToken()
    return await _issue(session, tokens, user, session_id)


async def logout(
    session: AsyncSession, tokens: Tokens, principal: Principal, refresh_token: str | None
) -> None:
    """End the caller's session, and the session of the given refresh token if it is theirs."""
    ended = {uuid.UUID(principal.session_id)}
    if refresh_token is not None:
        known = await repo.find_refresh_token(session, security.refresh_token_hash(refresh_token))
        owner = await repo.get_session(session, known.session_id) if known else None
        if owner is not None and owner.user_id == principal.user_id:
            ended.add(owner.id)
    for session_id in ended:
        await _end_session(session, tokens, session_id, "logout")


async def _end_session(
    session: AsyncSession, tokens: Tokens, session_id: uuid.UUID, reason: str
) -> None:
    await repo.revoke_session(session, session_id, reason)
    # Access tokens of the session stay valid until they expire unless they are refused by id.
    await tokens.revocations.revoke(str(session_id), tokens.revocation_ttl_seconds)


# Users


async def get_user(session: AsyncSession, user_id: uuid.UUID) -> User:
    user = await repo.get_user(session, user_id)
    if user is None:
        raise UserNotFound()
    return user


async def list_users(
    session: AsyncSession, *, limit: int, offset: int
) -> tuple[Sequence[User], int]:
    return await repo.list_users(session, limit=limit, offset=offset)


async def change_role(
    session: AsyncSession, tokens: Tokens, actor: Principal, user_id: uuid.UUID, role: Role
) -> User:
    if actor.user_id == user_id:
        raise OwnRoleChange()
    user = await get_user(session, user_id)
    demoted = user.role is Role.ADMIN and role is not Role.ADMIN
    await repo.set_role(session, user, role)
    if demoted:
        # Tokens carry the role: end the sessions rather than let admin tokens live on.
        for session_id in await repo.revoke_user_sessions(session, user.id, "role_changed"):
            await tokens.revocations.revoke(str(session_id), tokens.revocation_ttl_seconds)
    return user


@dataclass(frozen=True)
class AdminAccount:
    user: User
    created: bool
    generated_password: str | None = None


async def ensure_admin(
    session: AsyncSession, *, email: str, password: str | None, username: str | None
) -> AdminAccount:
    """Make the account with this email an admin, creating it if needed (with a generated
    password when none is given). An existing account keeps its password unless one is given."""
    user = await repo.find_user_by_email(session, email)
    if user is None:
        generated = None
        if password is None:
            password = generated = security.generate_password()
        user = await _register(
            session,
            username=username or await _free_username(session, email),
            email=email,
            password=password,
            role=Role.ADMIN,
        )
        return AdminAccount(user, created=True, generated_password=generated)
    if user.role is not Role.ADMIN:
        await repo.set_role(session, user, Role.ADMIN)
    if password is not None:
        await repo.set_password_hash(session, user, await security.hash_password(password))
    return AdminAccount(user, created=False)


async def _free_username(session: AsyncSession, email: str) -> str:
    base = re.sub(r"[^A-Za-z0-9_.-]", "", email.split("@", 1)[0])[:27]
    if len(base) < 3:
        base = "admin"
    candidate = base
    while await repo.username_taken(session, candidate):
        candidate = f"{base}-{secrets.token_hex(2)}"
    return candidate


# Signing keys


@dataclass(frozen=True)
class KeySet:
    signing: SigningKeyPair
    public_jwks: list[dict[str, Any]]


async def load_signing_keys(session: AsyncSession, cipher: Fernet) -> KeySet:
    """The newest key signs; every key not retired verifies. Creates the first key if none.

    Only keys of the access-token algorithm count: keys of another (the Ed25519 keys from
    before access tokens were RS256) are retired when the first key of this one is created.
    """
    keys = await repo.active_signing_keys(session, ACCESS_TOKEN_ALGORITHM)
    if not keys:
        await repo.lock_signing_keys(session)
        keys = await repo.active_signing_keys(session, ACCESS_TOKEN_ALGORITHM)
    if not keys:
        retired = await repo.retire_signing_keys_not_of(session, ACCESS_TOKEN_ALGORITHM)
        if retired:
            log.warning(
                "retired signing keys of another algorithm",
                extra={"kids": retired, "algorithm": ACCESS_TOKEN_ALGORITHM},
            )
        # RSA key generation takes tens of milliseconds: off the event loop.
        pair = await asyncio.to_thread(SigningKeyPair.generate)
        await repo.add_signing_key(
            session,
            kid=pair.kid,
            algorithm=ACCESS_TOKEN_ALGORITHM,
            private_key_encrypted=pair.encrypt(cipher),
            public_jwk=pair.public_jwk,
        )
        return KeySet(signing=pair, public_jwks=[pair.public_jwk])
    newest = keys[0]
    signing = SigningKeyPair.decrypt(newest.kid, newest.private_key_encrypted, cipher)
    return KeySet(signing=signing, public_jwks=[key.public_jwk for key in keys])


async def rotate_signing_key(session: AsyncSession, cipher: Fernet) -> str:
    """Add a new signing key; its kid. Instances sign with it once restarted (the newest key
    signs); the older keys stay in the JWKS, so the tokens they signed stay valid."""
    await repo.lock_signing_keys(session)
    pair = await asyncio.to_thread(SigningKeyPair.generate)
    await repo.add_signing_key(
        session,
        kid=pair.kid,
        algorithm=ACCESS_TOKEN_ALGORITHM,
        private_key_encrypted=pair.encrypt(cipher),
        public_jwk=pair.public_jwk,
    )
    return pair.kid


class NewestKeyTooYoung(Exception):
    """Tokens signed by an older key may still be valid."""


async def retire_older_signing_keys(session: AsyncSession, min_age: timedelta) -> list[str]:
    """Retire every key but the newest, once the newest is at least `min_age` old (the access
    tokens' lifetime: by then no valid token was signed by an older key, if every instance was
    restarted after the rotation). Their kids."""
    await repo.lock_signing_keys(session)
    keys = await repo.active_signing_keys(session, ACCESS_TOKEN_ALGORITHM)
    if not keys:
        return []
    newest = keys[0]
    if datetime.now(UTC) - newest.created_at < min_age:
        raise NewestKeyTooYoung(newest.kid)
    return await repo.retire_signing_keys_except(session, newest.kid, ACCESS_TOKEN_ALGORITHM)


async def public_keys(session: AsyncSession) -> list[dict[str, Any]]:
    return [
        key.public_jwk for key in await repo.active_signing_keys(session, ACCESS_TOKEN_ALGORITHM)
    ]
