"""The services of the platform, in start order, and their local ports (DESIGN.md)."""

from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Service:
    name: str  # e.g. "auth-service"
    port: int
    has_database: bool = True

    @property
    def package(self) -> str:
        return self.name.replace("-", "_")

    @property
    def short(self) -> str:
        return self.name.removesuffix("-service")

    @property
    def directory(self) -> Path:
        return ROOT / self.name

    @property
    def exists(self) -> bool:
        return (self.directory / "src" / self.package / "main.py").exists()


SERVICES = (
    Service("auth-service", 8001),
    Service("product-service", 8002),
    Service("cart-service", 8003),
    Service("order-service", 8004),
    Service("payment-service", 8005),
    Service("inventory-service", 8006),
    Service("recommendation-service", 8007),
    Service("analytics-service", 8008),
    Service("api-gateway", 8000, has_database=False),
)


def present() -> list[Service]:
    """The services that exist in this checkout (the fleet grows issue by issue)."""
    return [s for s in SERVICES if s.exists]
