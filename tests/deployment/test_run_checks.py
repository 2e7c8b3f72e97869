"""What `make run` and `make test` cannot install is named in one sentence with the command that
gets it (tools/run.py `check_infrastructure`, `make check`)."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools"))

from service_kit.testing import free_port

import run


def test_a_server_that_is_not_running_is_named_with_how_to_start_it(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
):
    port = free_port()
    monkeypatch.setattr(run, "INFRA", {"Redis": (port, "sh", "redis-server --daemonize yes", "x")})
    assert run.check_infrastructure() is False
    (line,) = capsys.readouterr().out.splitlines()
    assert line == (
        f"✗ Redis is not running on 127.0.0.1:{port}; start it with: redis-server --daemonize yes"
    )


def test_a_server_that_is_not_installed_is_named_with_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
):
    port = free_port()
    install = "sudo apt-get install rabbitmq-server"
    monkeypatch.setattr(run, "INFRA", {"RabbitMQ": (port, "no-such-client-program", "x", install)})
    assert run.check_infrastructure() is False
    (line,) = capsys.readouterr().out.splitlines()
    assert line == f"✗ RabbitMQ is not installed; install it with: {install}"


def test_the_running_servers_pass(capsys: pytest.CaptureFixture[str]):
    assert run.check_infrastructure() is True
    assert capsys.readouterr().out == ""


def test_the_storefront_without_node_is_named_with_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
):
    (tmp_path / "package.json").write_text("{}")
    monkeypatch.setattr(run, "FRONTEND", tmp_path)
    monkeypatch.setattr(run.shutil, "which", lambda name: None)
    monkeypatch.setattr(run, "INFRA", {})
    assert run.check_infrastructure() is False
    assert "needs Node.js 20 or later; install it with: sudo apt-get install nodejs npm" in (
        capsys.readouterr().out
    )


class StoppedChild:
    """What `explain` reads of a child that stopped: its name, exit code and log."""

    def __init__(self, log: Path, text: str) -> None:
        log.write_text(text)
        self.name = "auth"
        self.log = log
        self.proc = type("Proc", (), {"returncode": 1})()

    def tail(self) -> str:
        return self.log.read_text()


@pytest.mark.parametrize(
    ("log", "sentence"),
    [
        (
            "auth_service.security.UndecryptableSigningKey: signing key k1 does not decrypt "
            "with the configured KEY_ENCRYPTION_KEY",
            "run `make reset` to recreate the development databases and queues",
        ),
        (
            "asyncpg.exceptions.TooManyConnectionsError: remaining connection slots are "
            "reserved for non-replication superuser connections",
            "found no free PostgreSQL connection",
        ),
    ],
)
def test_a_known_cause_is_said_in_one_sentence_with_the_way_out(
    log: str, sentence: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    run.explain(StoppedChild(tmp_path / "auth.log", f"Traceback (most recent call last):\n{log}\n"))
    (line,) = capsys.readouterr().out.splitlines()
    assert sentence in line
