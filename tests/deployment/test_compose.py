"""docker-compose.yml without a Docker engine: `docker-compose config` (Debian's docker-compose)
accepts it with the secrets of a filled-in .env.example and refuses it without them; every
service of the platform and the storefront are in it, with health checks the others wait for;
and it agrees with the services' settings, the Kubernetes manifests and broker-config/.
"""

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools"))

from manifests import (
    FRONTEND,
    K8S,
    READ_ELSEWHERE,
    all_services,
    built,
    compose,
    env_names,
    fill,
    find,
    required_names,
)
from platform_services import ROOT, Service, present

COMPOSE = compose()
SERVICES = COMPOSE["services"]
INFRASTRUCTURE = {"postgres", "rabbitmq", "redis"}
# Values that are credentials: in compose they only ever come from .env, never a default.
SECRET_NAMES = {
    "DATABASE_PASSWORD",
    "KEY_ENCRYPTION_KEY",
    "ADMIN_PASSWORD",
    "SESSION_SECRET",
    "AMQP_URL",
    "POSTGRES_ADMIN_URL",
    "POSTGRES_PASSWORD",
    "RABBITMQ_DEFAULT_PASS",
}


def docker_compose(project: Path, env_file: Path) -> subprocess.CompletedProcess[str]:
    if shutil.which("docker-compose") is None:
        pytest.fail("install Debian's docker-compose: sudo apt-get install docker-compose")
    return subprocess.run(
        [
            "docker-compose",
            "--file",
            str(ROOT / "docker-compose.yml"),
            "--project-directory",
            str(project),
            "--env-file",
            str(env_file),
            "config",
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
        cwd=project,
    )


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the build contexts resolve: the checkout, or (until frontend/ exists) a folder
    with the same two contexts, since docker-compose checks that they exist."""
    if (ROOT / "frontend").is_dir():
        return ROOT
    folder = tmp_path_factory.mktemp("compose")
    (folder / "frontend").mkdir()
    return folder


def test_docker_compose_accepts_it_with_the_secrets_set(project: Path, tmp_path: Path):
    env_file = tmp_path / ".env"
    env_file.write_text(fill((ROOT / ".env.example").read_text()))
    result = docker_compose(project, env_file)
    assert result.returncode == 0, result.stderr
    resolved = yaml.safe_load(result.stdout)
    assert set(resolved["services"]) == set(SERVICES)
    gateway = resolved["services"]["api-gateway"]
    assert gateway["ports"][0]["published"] in (8000, "8000")
    # The gateway's metrics port is reachable inside the network only.
    assert [p["target"] for p in gateway["ports"]] == [8000]


def test_docker_compose_refuses_it_without_the_secrets(project: Path, tmp_path: Path):
    env_file = tmp_path / ".env"
    env_file.write_text((ROOT / ".env.example").read_text())
    result = docker_compose(project, env_file)
    assert result.returncode != 0
    assert re.search(r"set [A-Z_]+ in \.env", result.stderr), result.stderr


def test_the_whole_platform_and_the_storefront_are_in_it():
    names = {s.name for s in all_services()} | {FRONTEND} | INFRASTRUCTURE
    assert set(SERVICES) == names


@pytest.mark.parametrize("name", [s.name for s in all_services()] + [FRONTEND])
def test_every_service_has_a_health_check_the_others_wait_for(name: str):
    entry = SERVICES[name]
    test = " ".join(entry["healthcheck"]["test"])
    if name == "api-gateway":
        assert "/health" in test
    elif name != FRONTEND:
        assert "/ready" in test
    for dependency in entry["depends_on"].values():
        assert dependency == {"condition": "service_healthy"}
    assert entry["read_only"] is True


def test_the_gateway_waits_for_every_service_and_the_storefront_for_the_gateway():
    gateway = set(SERVICES["api-gateway"]["depends_on"])
    assert gateway == {s.name for s in all_services() if s.has_database} | INFRASTRUCTURE
    assert set(SERVICES[FRONTEND]["depends_on"]) == {"api-gateway"}
    env = SERVICES[FRONTEND]["environment"]
    assert env["API_GATEWAY_URL"] == "http://api-gateway:8000"
    assert env["PORT"] == "3000"


def environment(service: Service) -> dict[str, str]:
    env: dict[str, str] = SERVICES[service.name]["environment"]
    return env


@pytest.mark.parametrize("service", all_services(), ids=lambda s: s.name)
def test_no_secret_has_a_default(service: Service):
    raw = (ROOT / "docker-compose.yml").read_text()
    for name, value in environment(service).items():
        if name in SECRET_NAMES:
            assert re.search(r"\$\{[A-Z_]+:\?", value), f"{service.name}: {name}={value}"
    assert "guest:guest" not in raw


@pytest.mark.parametrize("service", all_services(), ids=lambda s: s.name)
def test_the_environment_names_are_the_services_settings(service: Service):
    env = environment(service)
    assert env["PORT"] == str(service.port)
    if service not in present():
        pytest.skip(f"{service.name} is not in this checkout yet")
    known = env_names(service) | set(READ_ELSEWHERE)
    assert set(env) - known == set()
    assert required_names(service) - set(env) == set()


@pytest.mark.parametrize("service", all_services(), ids=lambda s: s.name)
def test_compose_and_kubernetes_agree(service: Service, tmp_path_factory: pytest.TempPathFactory):
    """The same port, the same peers' addresses (by service name), and the same secrets."""
    docs = built("prod", tmp_path_factory.getbasetemp())
    deployment = find(docs, "Deployment", service.name)
    (container,) = deployment["spec"]["template"]["spec"]["containers"]
    assert container["ports"][0]["containerPort"] == service.port
    k8s_env = {e["name"]: e for e in container["env"]}
    for name, value in environment(service).items():
        if name.endswith("_URL") and value.startswith("http://") and name != "JWKS_URL":
            assert k8s_env[name]["value"] == value, name
        if name == "DATABASE_PASSWORD":
            key = k8s_env[name]["valueFrom"]["secretKeyRef"]["key"]
            assert f"${{{key}:?" in value


def test_the_secrets_compose_asks_for_are_the_clusters():
    lines = (ROOT / "docker-compose.yml").read_text().splitlines()
    raw = "\n".join(line for line in lines if not line.lstrip().startswith("#"))
    asked = set(re.findall(r"\$\{([A-Z_]+):\?", raw))
    example = (K8S / "secrets.example" / "secrets.env").read_text()
    cluster = {line.split("=", 1)[0] for line in example.splitlines() if "=" in line}
    # compose builds the two URLs with credentials from the passwords; Kubernetes takes them whole.
    assert asked - {"POSTGRES_PASSWORD", "RABBITMQ_PASSWORD"} <= cluster
    assert {"AMQP_URL", "POSTGRES_ADMIN_URL"} <= cluster
    dotenv = (ROOT / ".env.example").read_text()
    assert asked <= {line.split("=", 1)[0] for line in dotenv.splitlines() if "=" in line}


def test_every_queue_of_broker_config_belongs_to_a_service_of_the_platform():
    definitions: dict[str, Any] = json.loads(
        (ROOT / "broker-config" / "definitions.json").read_text()
    )
    owners = {q["name"].split(".", 1)[0] for q in definitions["queues"]}
    shorts = {s.short for s in all_services()}
    assert owners <= shorts
    for queue in definitions["queues"]:
        assert queue["arguments"]["x-queue-type"] == "quorum"
    # Each owner is a service with a database (its inbox) in compose and in Kubernetes.
    for owner in owners:
        service = next(s for s in all_services() if s.short == owner)
        assert service.has_database
        assert "AMQP_URL" in environment(service)
