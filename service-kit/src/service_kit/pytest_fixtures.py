"""The session fixtures every service's test suite shares, as a pytest plugin.

The root conftest.py registers this module (`pytest_plugins`). A service suite's conftest.py
defines one fixture, `service_under_test`, naming its service; the fixtures below build on it:

- `amqp_url`: a RabbitMQ virtual host of the suite's own (`testing.private_vhost`);
- `settings`: the service's test settings, on that virtual host;
- `database`: the service's test database, dropped, recreated and migrated (gives `settings`);
- `app`: the service's app on that database, one for the whole session;
- `minter`: a `TokenMinter` whose tokens the app accepts;
- `client`: an httpx client bound to the running app (its lifespan: relay, consumer);
- `sessions`: the running app's session factory;
- `live`: the app on a real port, per test module, for the contract tests.

pytest keeps one value per fixture definition, and a plugin's definitions are visible to the
whole run: a plugin's session fixture would serve the first suite's app to every suite. So for
each conftest.py that defines `service_under_test`, the plugin puts the fixtures above into the
conftest's namespace before pytest reads it; they become that suite's own, as if written there.
A fixture the conftest defines itself is left alone: that is how a suite overrides one.

Suites without a `service_under_test` (the kit's, the gateway's, the system tests) get none of
this; their own fixtures of these names are untouched.
"""

from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any, Protocol

import httpx
import pytest
import pytest_asyncio
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from service_kit.config import ServiceSettings
from service_kit.contract_testing import LiveServer
from service_kit.testing import TokenMinter, app_client, prepare_database, private_vhost


class SettingsFactory(Protocol):
    """A suite's test settings, given the AMQP URL of its own virtual host."""

    def __call__(self, *, amqp_url: str) -> ServiceSettings: ...


@dataclass(frozen=True)
class ServiceUnderTest:
    """The service a test suite is about.

    `name` names the suite's virtual host (`<run's vhost>_<name>`); `directory` is the service's
    folder (its migrations); `settings` makes its test settings; `create_app` is its app factory;
    `install_minter` makes the app's verifier trust the session's `minter` (the auth service signs
    its own tokens and has no use for it).
    """

    name: str
    directory: Path
    settings: SettingsFactory
    create_app: Callable[[Any], FastAPI]
    install_minter: bool = True


@pytest.fixture(scope="session")
def amqp_url(service_under_test: ServiceUnderTest) -> Iterator[str]:
    """This suite's own broker: other suites' live consumers never take its events."""
    with private_vhost(service_under_test.name) as url:
        yield url


@pytest.fixture(scope="session")
def settings(service_under_test: ServiceUnderTest, amqp_url: str) -> ServiceSettings:
    return service_under_test.settings(amqp_url=amqp_url)


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def database(
    service_under_test: ServiceUnderTest, settings: ServiceSettings
) -> ServiceSettings:
    await prepare_database(settings, service_under_test.directory)
    return settings


@pytest.fixture(scope="session")
def app(service_under_test: ServiceUnderTest, database: ServiceSettings) -> FastAPI:
    return service_under_test.create_app(database)


@pytest.fixture(scope="session")
def minter() -> TokenMinter:
    return TokenMinter()


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def client(
    service_under_test: ServiceUnderTest, app: FastAPI, minter: TokenMinter
) -> AsyncIterator[httpx.AsyncClient]:
    async with app_client(app) as client:
        if service_under_test.install_minter:
            minter.install(app)
        yield client


@pytest.fixture(scope="session")
def sessions(app: FastAPI, client: httpx.AsyncClient) -> async_sessionmaker[AsyncSession]:
    """The running app's sessions (asking for `client` first starts its lifespan)."""
    sessions: async_sessionmaker[AsyncSession] = app.state.kit.sessions
    return sessions


@pytest.fixture(scope="module")
def live(
    service_under_test: ServiceUnderTest, database: ServiceSettings, minter: TokenMinter
) -> Iterator[LiveServer]:
    """The service's app on a real port, in a thread of its own, for the contract tests
    (schemathesis calls it over HTTP)."""
    with LiveServer(service_under_test.create_app(database), wait_ready=True) as server:
        if service_under_test.install_minter:
            minter.install(server.app)
        yield server


SESSION_FIXTURES = {
    "amqp_url": amqp_url,
    "settings": settings,
    "database": database,
    "app": app,
    "minter": minter,
    "client": client,
    "sessions": sessions,
    "live": live,
}


@pytest.hookimpl(tryfirst=True)
def pytest_plugin_registered(plugin: object, plugin_name: str | None) -> None:
    """Give a suite's conftest.py that names its service the fixtures it does not define."""
    if not (
        isinstance(plugin, ModuleType)
        and (plugin_name or "").endswith("conftest.py")
        and hasattr(plugin, "service_under_test")
    ):
        return
    for name, fixture in SESSION_FIXTURES.items():
        if not hasattr(plugin, name):
            setattr(plugin, name, fixture)
