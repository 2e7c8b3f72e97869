import pytest
from auth_service.config import AuthSettings
from pydantic import ValidationError


def test_outside_dev_the_development_key_encryption_key_is_refused(monkeypatch):
    monkeypatch.delenv("KEY_ENCRYPTION_KEY", raising=False)

    with pytest.raises(ValidationError, match="development secrets for: key_encryption_key"):
        AuthSettings(
            _env_file=None,
            env="prod",
            database_password="set",
            amqp_url="amqp://shop:secret@rabbit:5672/",
        )


def test_defaults_match_the_platform(monkeypatch):
    monkeypatch.delenv("DATABASE_NAME", raising=False)

    settings = AuthSettings(_env_file=None, env="test")

    assert settings.service_name == "auth-service"
    assert settings.port == 8001
    assert settings.database_name == "shop_auth"
    assert settings.access_token_ttl_seconds == 900
    assert settings.refresh_token_ttl_days == 30
