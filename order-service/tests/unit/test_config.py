import pytest
from order_service.config import OrderSettings
from pydantic import ValidationError


def test_defaults_name_the_service_its_port_database_and_cart(monkeypatch):
    monkeypatch.delenv("CART_URL", raising=False)
    settings = OrderSettings(env="dev")

    assert settings.service_name == "order-service"
    assert settings.port == 8004
    assert settings.database_name == settings.database_user == "shop_order"
    assert settings.cart_url == "http://127.0.0.1:8003"
    assert settings.cart_timeout_seconds > 0


def test_cart_url_and_timeout_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("CART_URL", "http://cart-service:8003")
    monkeypatch.setenv("CART_TIMEOUT_SECONDS", "0.5")

    settings = OrderSettings(env="dev")

    assert (settings.cart_url, settings.cart_timeout_seconds) == ("http://cart-service:8003", 0.5)


def test_production_refuses_development_secrets(monkeypatch):
    monkeypatch.delenv("DATABASE_PASSWORD", raising=False)
    with pytest.raises(ValidationError, match="database_password"):
        OrderSettings(env="prod")
