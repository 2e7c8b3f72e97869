"""Request dependencies: a connection for reads, and the caller (all from the kit)."""

from service_kit.auth import RequireAdmin
from service_kit.pg import ConnectionDep

__all__ = ["ConnectionDep", "RequireAdmin"]
