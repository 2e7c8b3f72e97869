"""`python -m analytics_service serve | migrate | rebuild | dlq list | dlq replay [ids]`."""

import argparse
from pathlib import Path

from service_kit.cli import run_cli
from service_kit.config import ServiceSettings

from analytics_service import rebuild
from analytics_service.config import get_settings

SERVICE_DIR = Path(__file__).resolve().parents[2]


def _configure_rebuild(parser: argparse.ArgumentParser) -> None:
    parser.description = "recompute every roll-up from the stored events (one transaction)"


def _rebuild(_: argparse.Namespace, settings: ServiceSettings) -> int:
    return rebuild.command(settings)


def main(argv: list[str] | None = None) -> int:
    return run_cli(
        settings_factory=get_settings,
        app_path="analytics_service.main:create_app",
        service_dir=SERVICE_DIR,
        extra={"rebuild": (_configure_rebuild, _rebuild)},
        argv=argv,
    )
