"""Request dependencies: the unit of work, a connection for reads, and the caller (all from the
kit)."""

from service_kit.auth import CurrentUser, RequireAdmin
from service_kit.pg import ConnectionDep, TxDep

__all__ = [
    "ConnectionDep",
    "CurrentUser",
    "RequireAdmin",
    "TxDep",
]
