"""`python -m recommendation_service serve | migrate | dlq list | dlq replay [ids]`."""

from pathlib import Path

from service_kit.cli import run_cli

from recommendation_service.config import get_settings

SERVICE_DIR = Path(__file__).resolve().parents[2]


def main(argv: list[str] | None = None) -> int:
    return run_cli(
        settings_factory=get_settings,
        app_path="recommendation_service.main:create_app",
        service_dir=SERVICE_DIR,
        argv=argv,
    )
