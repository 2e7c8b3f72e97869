"""`api-gateway serve [--workers N]` (the gateway has no database, so no migrate or dlq)."""

from service_kit.cli import run_cli

from api_gateway.config import GatewaySettings


def main() -> int:
    return run_cli(
        settings_factory=GatewaySettings,
        app_path="api_gateway.main:create_app",
        service_dir=None,
    )
