"""Settings every service shares. A service subclasses ServiceSettings and adds its own fields.

Secrets have no working default outside development: with ENV other than dev/test, a secret
left at its development value refuses to start.
"""

from typing import Literal

from pydantic import SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from service_kit.topology import DEFAULT_DELIVERY_LIMIT

DEV_SECRET_PREFIX = "dev-insecure-"


def dev_secret(name: str) -> SecretStr:
    return SecretStr(f"{DEV_SECRET_PREFIX}{name}")


class InsecureSettings(ValueError):
    pass


class ServiceSettings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore", env_file_encoding="utf-8")

    service_name: str
    env: Literal["dev", "test", "staging", "prod"] = "prod"
    host: str = "127.0.0.1"
    port: int = 8000
    log_level: str = "INFO"

    # A body over this is refused (413) by the service itself, whatever is in front of it.
    max_body_bytes: int = 1024 * 1024
    # Who may tell the service a client's address: the IPs or networks (comma separated) whose
    # X-Forwarded-For and X-Forwarded-Proto it believes, i.e. the gateway's. None by default:
    # the peer is the client. Compose and Kubernetes set the gateway's network here.
    forwarded_allow_ips: str = ""

    # PostgreSQL: the service's own database and role.
    postgres_host: str = "127.0.0.1"
    postgres_port: int = 5432
    postgres_admin_url: str = "postgresql://postgres@127.0.0.1:5432/postgres"
    database_name: str = ""
    database_user: str = ""
    database_password: SecretStr = dev_secret("database-password")
    # Nine services share one PostgreSQL (100 connections by default): each keeps at most this
    # many for requests and consumers, plus two for its outbox relay and one listening.
    db_pool_size: int = 8
    postgres_extensions: tuple[str, ...] = ()

    amqp_url: SecretStr = SecretStr("amqp://guest:guest@127.0.0.1:5672/")
    redis_url: str = "redis://127.0.0.1:6379/0"

    # Access tokens: verified against the auth service's public keys.
    jwks_url: str = "http://127.0.0.1:8001/api/auth/.well-known/jwks.json"
    jwt_issuer: str = "shop-auth"
    jwt_audience: str = "shop"

    # Events
    consumer_prefetch: int = 32
    # Above 1: the messages waiting are handled together, up to this many in one transaction
    # (consumer.py); for a service whose events are many and small. Keep the prefetch above it.
    consumer_batch_size: int = 1
    # Must equal the limit every service declares the platform's queues with (topology.py):
    # RabbitMQ refuses to redeclare a queue with a different x-delivery-limit.
    consumer_delivery_limit: int = DEFAULT_DELIVERY_LIMIT
    outbox_batch_size: int = 100

    @model_validator(mode="after")
    def _defaults(self) -> "ServiceSettings":
        short = self.service_name.removesuffix("-service")
        if not self.database_name:
            self.database_name = f"shop_{short.replace('-', '_')}"
        if not self.database_user:
            self.database_user = self.database_name
        if self.env not in ("dev", "test"):
            insecure = [
                name
                for name, value in self
                if isinstance(value, SecretStr)
                and value.get_secret_value().startswith(DEV_SECRET_PREFIX)
            ]
            if "guest:guest@" in self.amqp_url.get_secret_value():
                insecure.append("amqp_url")
            if insecure:
                raise InsecureSettings(
                    f"refusing to start with ENV={self.env} and development secrets for: "
                    + ", ".join(sorted(insecure))
                    + " (set them, or ENV=dev for local development)"
                )
        return self

    @property
    def trusted_forwarders(self) -> list[str]:
        """The addresses whose forwarding headers name the client (see forwarded_allow_ips)."""
        return [h.strip() for h in self.forwarded_allow_ips.split(",") if h.strip()]

    @property
    def development(self) -> bool:
        """Development and tests: API documents and metrics on the public port."""
        return self.env in ("dev", "test")

    @property
    def short_name(self) -> str:
        return self.service_name.removesuffix("-service")

    @property
    def database_dsn(self) -> str:
        """asyncpg DSN of the service's own database, as its own role."""
        password = self.database_password.get_secret_value()
        return (
            f"postgresql://{self.database_user}:{password}@{self.postgres_host}:"
            f"{self.postgres_port}/{self.database_name}"
        )

    @property
    def sqlalchemy_url(self) -> str:
        return self.database_dsn.replace("postgresql://", "postgresql+asyncpg://", 1)
