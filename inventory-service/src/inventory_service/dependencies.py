"""Request dependencies: the unit of work and the caller (both from the kit)."""

from service_kit.auth import CurrentUser, RequireAdmin
from service_kit.db import ReadSessionDep, SessionDep

__all__ = [
    "CurrentUser",
    "ReadSessionDep",
    "RequireAdmin",
    "SessionDep",
]
