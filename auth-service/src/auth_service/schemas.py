"""Request and response bodies of the HTTP API. Requests refuse unknown fields, so a client
cannot smuggle in a `role`."""

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, EmailStr, Field
from shop_contracts import Role

from auth_service.models import User
from auth_service.service import AuthResult

MAX_PASSWORD_LENGTH = 128
MIN_PASSWORD_LENGTH = 8

Username = Annotated[
    str,
    Field(
        min_length=3,
        max_length=32,
        pattern=r"^[A-Za-z0-9_.-]+$",
        description="3-32 letters, digits, '_', '.' or '-'",
        examples=["ada_l"],
    ),
]
NewPassword = Annotated[
    str,
    Field(
        min_length=MIN_PASSWORD_LENGTH,
        max_length=MAX_PASSWORD_LENGTH,
        description="At least 8 characters",
        examples=["correct horse battery"],
    ),
]
# Anything that may reach a query must be storable text: PostgreSQL refuses NUL characters.
Identifier = Annotated[
    str,
    Field(
        min_length=1,
        max_length=254,
        pattern=r"^[^\x00]+$",
        description="The account's email or username",
        examples=["ada@example.com"],
    ),
]
OpaqueToken = Annotated[str, Field(min_length=1, max_length=512)]


class _Request(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SignupRequest(_Request):
    username: Username
    email: EmailStr = Field(examples=["ada@example.com"])
    password: NewPassword


class LoginRequest(_Request):
    email: Identifier
    password: str = Field(min_length=1, max_length=MAX_PASSWORD_LENGTH)


class RefreshRequest(_Request):
    refresh_token: OpaqueToken


class LogoutRequest(_Request):
    refresh_token: OpaqueToken | None = None


class RoleChange(_Request):
    role: Role


class UserOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: UUID
    username: str
    email: str
    role: Role
    created_at: datetime

    @classmethod
    def of(cls, user: User) -> "UserOut":
        return cls.model_validate(user)


class AuthResponse(BaseModel):
    user: UserOut
    access_token: str
    refresh_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int = Field(description="Seconds until the access token expires")

    @classmethod
    def of(cls, result: AuthResult) -> "AuthResponse":
        return cls(
            user=UserOut.of(result.user),
            access_token=result.access_token.token,
            refresh_token=result.refresh_token,
            expires_in=result.access_token.expires_in,
        )


class UserPage(BaseModel):
    items: list[UserOut]
    total: int
    limit: int
    offset: int


class JsonWebKey(BaseModel):
    kty: Literal["RSA"]
    n: str
    e: str
    kid: str
    use: Literal["sig"]
    alg: Literal["RS256"]


class JsonWebKeySet(BaseModel):
    keys: list[JsonWebKey]
