"""Every query of the auth service."""

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from shop_contracts import Role
from sqlalchemy import func, or_, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from auth_service.identifiers import fold
from auth_service.models import RefreshToken, SigningKey, User, UserSession

# Serialises creating the first signing key when several replicas start at once.
_SIGNING_KEYS_LOCK = 0x53484F504B455953


class UniqueViolation(Exception):
    def __init__(self, constraint: str) -> None:
        super().__init__(constraint)
        self.constraint = constraint


# Users


async def get_user(session: AsyncSession, user_id: uuid.UUID) -> User | None:
    return await session.get(User, user_id)


async def find_user_by_login(session: AsyncSession, identifier: str) -> User | None:
    """The user whose email or username is `identifier`, folded (identifiers.fold)."""
    key = fold(identifier)
    query = select(User).where(or_(func.lower(User.email) == key, func.lower(User.username) == key))
    return await session.scalar(query.limit(1))


async def find_user_by_email(session: AsyncSession, email: str) -> User | None:
    return await session.scalar(select(User).where(func.lower(User.email) == fold(email)))


async def email_taken(session: AsyncSession, email: str) -> bool:
    query = select(func.count()).where(func.lower(User.email) == fold(email))
    return bool(await session.scalar(query))


async def username_taken(session: AsyncSession, username: str) -> bool:
    query = select(func.count()).where(func.lower(User.username) == username.lower())
    return bool(await session.scalar(query))


async def add_user(
    session: AsyncSession, *, username: str, email: str, password_hash: str, role: Role
) -> User:
    """Insert a user; raises UniqueViolation naming the index if the email or username is
    taken (a concurrent signup that passed the same checks first)."""
    user = User(id=uuid.uuid4(), username=username, email=email, password_hash=password_hash)
    user.role = role
    session.add(user)
    try:
        await session.flush()
    except IntegrityError as exc:
        raise UniqueViolation(_constraint_of(exc)) from None
    return user


def _constraint_of(exc: IntegrityError) -> str:
    cause: Any = exc.orig.__cause__ if exc.orig is not None else None
    name = getattr(cause, "constraint_name", None)
    return str(name) if name else str(exc.orig)


async def set_password_hash(session: AsyncSession, user: User, password_hash: str) -> None:
    user.password_hash = password_hash
    await session.flush()


async def set_role(session: AsyncSession, user: User, role: Role) -> None:
    user.role = role
    await session.flush()


async def list_users(
    session: AsyncSession, *, limit: int, offset: int
) -> tuple[Sequence[User], int]:
    total = await session.scalar(select(func.count()).select_from(User)) or 0
    users = await session.scalars(
        select(User).order_by(User.created_at, User.id).limit(limit).offset(offset)
    )
    return users.all(), total


# Sessions and refresh tokens


async def add_session(session: AsyncSession, user_id: uuid.UUID) -> UserSession:
    user_session = UserSession(id=uuid.uuid4(), user_id=user_id)
    session.add(user_session)
    await session.flush()
    return user_session


async def get_session(session: AsyncSession, session_id: uuid.UUID) -> UserSession | None:
    return await session.get(UserSession, session_id)


async def revoke_session(session: AsyncSession, session_id: uuid.UUID, reason: str) -> bool:
    """Mark a session revoked; False if it was already revoked or does not exist."""
    result = await session.scalar(
        update(UserSession)
        .where(UserSession.id == session_id, UserSession.revoked_at.is_(None))
        .values(revoked_at=func.now(), revoke_reason=reason)
        .returning(UserSession.id)
    )
    return result is not None


async def revoke_user_sessions(
    session: AsyncSession, user_id: uuid.UUID, reason: str
) -> list[uuid.UUID]:
    result = await session.scalars(
        update(UserSession)
        .where(UserSession.user_id == user_id, UserSession.revoked_at.is_(None))
        .values(revoked_at=func.now(), revoke_reason=reason)
        .returning(UserSession.id)
    )
    return list(result)


async def add_refresh_token(
    session: AsyncSession, *, session_id: uuid.UUID, token_hash: bytes, expires_at: datetime
) -> None:
    session.add(
        RefreshToken(
            id=uuid.uuid4(), session_id=session_id, token_hash=token_hash, expires_at=expires_at
        )
    )
    await session.flush()


async def use_refresh_token(session: AsyncSession, token_hash: bytes) -> uuid.UUID | None:
    """Mark an unused, unexpired refresh token used and return its session id.

    One atomic update, so two concurrent refreshes with the same token cannot both succeed.
    """
    session_id: uuid.UUID | None = await session.scalar(
        update(RefreshToken)
        .where(
            RefreshToken.token_hash == token_hash,
            RefreshToken.used_at.is_(None),
            RefreshToken.expires_at > func.now(),
        )
        .values(used_at=func.now())
        .returning(RefreshToken.session_id)
    )
    return session_id


async def find_refresh_token(session: AsyncSession, token_hash: bytes) -> RefreshToken | None:
    return await session.scalar(select(RefreshToken).where(RefreshToken.token_hash == token_hash))


# Signing keys


async def lock_signing_keys(session: AsyncSession) -> None:
    """Held until the transaction ends."""
    await session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _SIGNING_KEYS_LOCK})


async def active_signing_keys(session: AsyncSession, algorithm: str) -> Sequence[SigningKey]:
    """Keys of the algorithm that are not retired, newest first."""
    result = await session.scalars(
        select(SigningKey)
        .where(SigningKey.retired_at.is_(None), SigningKey.algorithm == algorithm)
        .order_by(SigningKey.created_at.desc(), SigningKey.kid)
    )
    return result.all()


async def retire_signing_keys_not_of(session: AsyncSession, algorithm: str) -> list[str]:
    """Retire the active keys of any other algorithm; their kids."""
    result = await session.scalars(
        update(SigningKey)
        .where(SigningKey.retired_at.is_(None), SigningKey.algorithm != algorithm)
        .values(retired_at=func.now())
        .returning(SigningKey.kid)
    )
    return list(result)


async def add_signing_key(
    session: AsyncSession,
    *,
    kid: str,
    algorithm: str,
    private_key_encrypted: bytes,
    public_jwk: dict[str, Any],
) -> None:
    session.add(
        SigningKey(
            kid=kid,
            algorithm=algorithm,
            private_key_encrypted=private_key_encrypted,
            public_jwk=public_jwk,
        )
    )
    await session.flush()


async def retire_signing_keys_except(session: AsyncSession, kid: str, algorithm: str) -> list[str]:
    """Retire every active key of the algorithm but `kid`; their kids."""
    result = await session.scalars(
        update(SigningKey)
        .where(
            SigningKey.retired_at.is_(None),
            SigningKey.algorithm == algorithm,
            SigningKey.kid != kid,
        )
        .values(retired_at=func.now())
        .returning(SigningKey.kid)
    )
    return list(result)
