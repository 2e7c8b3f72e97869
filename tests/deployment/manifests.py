"""What the deployment tests read: the Kubernetes overlays as `kubectl kustomize` builds them, the
compose file, and each service's settings (its ServiceSettings fields as environment names).

No cluster and no Docker engine: files are built and read. The overlays are built in a copy of
deploy/k8s/ whose secret files are filled from secrets.example/ with generated values (the real
ones are never committed).
"""

import importlib
import secrets
import shutil
import subprocess
import sys
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import SecretStr
from service_kit.config import DEV_SECRET_PREFIX, ServiceSettings

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools"))

from platform_services import ROOT, SERVICES, Service

K8S = ROOT / "deploy" / "k8s"
OVERLAYS = ("dev", "prod")
FRONTEND = "frontend"

# Environment names read by something other than a service's settings class.
READ_ELSEWHERE = {
    "ADMIN_EMAIL": "the auth service's create-admin command",
    "ADMIN_PASSWORD": "the auth service's create-admin command",
}


def fill(text: str) -> str:
    """An example secrets file with every empty or CHANGE-ME value generated."""
    lines = []
    for line in text.splitlines():
        if "=" in line and not line.startswith("#"):
            key, value = line.split("=", 1)
            token = secrets.token_urlsafe(16)
            value = value.replace("CHANGE-ME", token) if value else token
            line = f"{key}={value}"
        lines.append(line)
    return "\n".join(lines) + "\n"


@cache
def built(overlay: str, workdir: Path) -> list[dict[str, Any]]:
    if shutil.which("kubectl") is None:
        pytest.fail("these tests build the overlays with kubectl: install kubectl")
    copy = workdir / overlay / "k8s"
    shutil.copytree(K8S, copy, ignore=shutil.ignore_patterns("secrets"))
    target = copy / "overlays" / overlay / "secrets"
    target.mkdir()
    for example in (copy / "secrets.example").iterdir():
        text = example.read_text()
        (target / example.name).write_text(fill(text) if example.suffix == ".env" else text)
    result = subprocess.run(
        ["kubectl", "kustomize", str(copy / "overlays" / overlay)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return [doc for doc in yaml.safe_load_all(result.stdout) if doc]


def find(docs: list[dict[str, Any]], kind: str, name: str) -> dict[str, Any]:
    matches = [d for d in docs if d["kind"] == kind and d["metadata"]["name"] == name]
    assert len(matches) == 1, f"{kind}/{name}: {len(matches)} found"
    return matches[0]


def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    return loaded


def settings_class(service: Service) -> type[ServiceSettings]:
    module = importlib.import_module(f"{service.package}.config")
    classes = [
        value
        for value in vars(module).values()
        if isinstance(value, type)
        and issubclass(value, ServiceSettings)
        and value is not ServiceSettings
    ]
    assert len(classes) == 1, f"{service.package}.config: {classes}"
    return classes[0]


def env_names(service: Service) -> set[str]:
    """The environment names a service's settings read (pydantic-settings: field name, upper)."""
    return {name.upper() for name in settings_class(service).model_fields}


def required_names(service: Service) -> set[str]:
    """What a deployment must set: the secrets whose default is a development value (refused
    outside ENV=dev), the peers' URLs and where PostgreSQL, RabbitMQ and Redis are."""
    fields = settings_class(service).model_fields
    dev_secrets = {
        name
        for name, field in fields.items()
        if isinstance(field.default, SecretStr)
        and field.default.get_secret_value().startswith(DEV_SECRET_PREFIX)
    }
    peers = {
        name
        for name, field in fields.items()
        if name.endswith("_url") and isinstance(field.default, str)
    }
    required = {name.upper() for name in dev_secrets | peers - {"postgres_admin_url"}}
    if service.has_database:
        required |= {"POSTGRES_HOST", "AMQP_URL", "DATABASE_PASSWORD"}
    return required | {"PORT", "HOST"}


def container_env(deployment: dict[str, Any], config: dict[str, str]) -> dict[str, Any]:
    """A container's environment: the ConfigMaps it loads, then its own `env` entries."""
    (container,) = deployment["spec"]["template"]["spec"]["containers"]
    env: dict[str, Any] = {}
    for source in container.get("envFrom", []):
        if "configMapRef" in source:
            env.update(config)
    for entry in container.get("env", []):
        env[entry["name"]] = entry.get("value", entry.get("valueFrom"))
    return env


def config_map(docs: list[dict[str, Any]]) -> dict[str, str]:
    (config,) = [
        d
        for d in docs
        if d["kind"] == "ConfigMap" and d["metadata"]["name"].startswith("shop-config")
    ]
    data: dict[str, str] = config["data"]
    return data


def all_services() -> list[Service]:
    return list(SERVICES)
