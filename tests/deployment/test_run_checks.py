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
