"""Tables of the auth service: users, their sessions and refresh tokens, and signing keys."""

import uuid
from datetime import datetime
from typing import TYPE_CHECKING, Any

from service_kit.db import declarative_base
from service_kit.migrations import add_kit_tables
from shop_contracts import Role
from sqlalchemy import DateTime, Enum, ForeignKey, Index, LargeBinary, Text, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

if TYPE_CHECKING:
    # The kit makes a fresh base per service at runtime; mypy needs a static class to check
    # the models against.
    class Base(DeclarativeBase):
        pass
else:
    Base = declarative_base()
add_kit_tables(Base.metadata)

role_type = Enum(
    Role,
    name="role",
    native_enum=False,
    create_constraint=True,
    length=16,
    values_callable=lambda roles: [role.value for role in roles],
)


class User(Base):
    __tablename__ = "users"
    # Read created_at back from the INSERT itself (RETURNING), not with a second query.
    __mapper_args__ = {"eager_defaults": True}

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    username: Mapped[str] = mapped_column(Text)
    email: Mapped[str] = mapped_column(Text)
    password_hash: Mapped[str] = mapped_column(Text)
    role: Mapped[Role] = mapped_column(role_type, default=Role.CUSTOMER)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )


# Case-insensitive uniqueness; also what a login looks a user up by.
USERNAME_INDEX = "uq_users_lower_username"
EMAIL_INDEX = "uq_users_lower_email"
Index(USERNAME_INDEX, func.lower(User.username), unique=True)
Index(EMAIL_INDEX, func.lower(User.email), unique=True)


class UserSession(Base):
    """A sign-in: the `sid` of its access tokens, the owner of its refresh tokens."""

    __tablename__ = "sessions"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoke_reason: Mapped[str | None] = mapped_column(Text)


class RefreshToken(Base):
    """Only the SHA-256 of a refresh token is kept; `used_at` is set when it is rotated."""

    __tablename__ = "refresh_tokens"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    session_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("sessions.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[bytes] = mapped_column(LargeBinary, unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class SigningKey(Base):
    """A signing key pair of `algorithm` (RS256: RSA-2048); the private half, as PKCS#8 DER,
    encrypted with the key-encryption key."""

    __tablename__ = "signing_keys"

    kid: Mapped[str] = mapped_column(Text, primary_key=True)
    algorithm: Mapped[str] = mapped_column(Text)
    private_key_encrypted: Mapped[bytes] = mapped_column(LargeBinary)
    public_jwk: Mapped[dict[str, Any]] = mapped_column(JSONB)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    retired_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
