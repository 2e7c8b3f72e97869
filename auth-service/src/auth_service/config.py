"""Settings of the auth service (environment variables, or a .env file)."""

from functools import lru_cache

from pydantic import SecretStr
from service_kit.config import ServiceSettings, dev_secret


class AuthSettings(ServiceSettings):
    service_name: str = "auth-service"
    port: int = 8001

    # Encrypts the private signing keys stored in the database. Rotating it needs the keys
    # re-encrypted (or new keys created): a key that no longer decrypts cannot sign.
    key_encryption_key: SecretStr = dev_secret("key-encryption-key")

    access_token_ttl_seconds: int = 900
    refresh_token_ttl_days: int = 30

    # Failed logins per account (its email and username together) before its logins are
    # refused for a while, and per client address (many customers may share one).
    login_max_failures: int = 5
    login_max_failures_per_address: int = 50
    login_failure_window_seconds: int = 900


@lru_cache
def get_settings() -> AuthSettings:
    return AuthSettings()
