"""Request dependencies: the unit of work, the caller, and the service's settings."""

from typing import Annotated

from fastapi import Depends, Request
from service_kit.auth import CurrentUser, RequireAdmin
from service_kit.db import ReadSessionDep, SessionDep
from service_kit.pg import ConnectionDep, TxDep

from payment_service.config import PaymentSettings


def payment_settings(request: Request) -> PaymentSettings:
    settings = request.app.state.kit.settings
    assert isinstance(settings, PaymentSettings)
    return settings


SettingsDep = Annotated[PaymentSettings, Depends(payment_settings)]

__all__ = [
    "ConnectionDep",
    "CurrentUser",
    "ReadSessionDep",
    "RequireAdmin",
    "SessionDep",
    "SettingsDep",
    "TxDep",
]
