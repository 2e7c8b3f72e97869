"""`python -m product_service serve|migrate|dlq|seed`."""

from pathlib import Path

from service_kit.cli import run_cli

from product_service import seed
from product_service.config import get_settings

SERVICE_DIR = Path(__file__).resolve().parents[2]


def main(argv: list[str] | None = None) -> int:
    return run_cli(
        settings_factory=get_settings,
        app_path="product_service.main:create_app",
        service_dir=SERVICE_DIR,
        extra={"seed": (seed.configure, seed.command)},
        argv=argv,
    )
