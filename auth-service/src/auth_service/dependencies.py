"""Request dependencies: the unit of work, the caller, and what the service built at startup."""

from typing import Annotated

from fastapi import Depends, Request
from service_kit.app import KitState
from service_kit.auth import CurrentUser, RequireAdmin
from service_kit.db import ReadSessionDep, SessionDep

from auth_service.service import Tokens
from auth_service.throttle import LoginThrottle

TOKENS = "tokens"
LOGIN_THROTTLE = "login_throttle"


def _kit(request: Request) -> KitState:
    kit: KitState = request.app.state.kit
    return kit


def tokens(request: Request) -> Tokens:
    value: Tokens = _kit(request).extra[TOKENS]
    return value


def login_throttle(request: Request) -> LoginThrottle:
    value: LoginThrottle = _kit(request).extra[LOGIN_THROTTLE]
    return value


def client_address(request: Request) -> str:
    """The caller's address: the peer's, or the one the gateway names in X-Forwarded-For when
    the peer is in FORWARDED_ALLOW_IPS (the kit's app resolves it)."""
    return request.client.host if request.client else "unknown"


TokensDep = Annotated[Tokens, Depends(tokens)]
LoginThrottleDep = Annotated[LoginThrottle, Depends(login_throttle)]
ClientAddress = Annotated[str, Depends(client_address)]

__all__ = [
    "ClientAddress",
    "CurrentUser",
    "LoginThrottleDep",
    "ReadSessionDep",
    "RequireAdmin",
    "SessionDep",
    "TokensDep",
]
