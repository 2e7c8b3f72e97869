"""deploy/k8s/ without a cluster: each overlay builds with `kubectl kustomize`, every built-in
object validates against the Kubernetes 1.33 schemas offline (kubernetes-validate, strict), the
operators' objects against the fields of their APIs we use, and every service of the platform is
there with its port, probes, security settings, secrets and migration Job.
"""

import json
import sys
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools"))

import k8s_manifests
from manifests import (
    FRONTEND,
    K8S,
    OVERLAYS,
    READ_ELSEWHERE,
    all_services,
    built,
    config_map,
    container_env,
    env_names,
    find,
    required_names,
)
from platform_services import ROOT, Service, present

KUBERNETES_VERSION = "1.33.0"
NAMES = [s.name for s in all_services()] + [FRONTEND]


@pytest.fixture(scope="module", params=OVERLAYS)
def overlay(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    return request.param, built(request.param, tmp_path_factory.getbasetemp())


def test_the_rendered_manifests_are_the_committed_ones():
    """tools/k8s_manifests.py renders deploy/k8s's per-service files (`make k8s`)."""
    for path, text in k8s_manifests.render().items():
        assert path.exists(), f"{path.relative_to(ROOT)} missing: run `make k8s`"
        assert path.read_text() == text, f"{path.relative_to(ROOT)} differs: run `make k8s`"


def test_the_broker_definitions_are_broker_configs():
    copy = json.loads((K8S / "base" / "rabbitmq" / "definitions.json").read_text())
    assert copy == json.loads((ROOT / "broker-config" / "definitions.json").read_text())


def test_every_built_in_object_validates_against_the_kubernetes_schemas(overlay):
    name, docs = overlay
    checked = 0
    for doc in docs:
        if doc["apiVersion"].split("/")[0] in OPERATOR_GROUPS:
            continue
        try:
            kubernetes_validate.validate(doc, KUBERNETES_VERSION, strict=True)
        except kubernetes_validate.ValidationError as error:
            pytest.fail(f"{name}: {doc['kind']}/{doc['metadata']['name']}: {error.message}")
        checked += 1
    assert checked >= 4 * len(NAMES)


# The operators' custom resources: kubernetes-validate has no schemas for them. Their fields we
# use, from the operators' API references (CloudNativePG postgresql.cnpg.io/v1, RabbitMQ Cluster
# Operator rabbitmq.com/v1beta1); a typo in a field name fails here, and the API server checks
# the values in full on `kubectl apply --dry-run=server`.
OPERATOR_FIELDS: dict[str, dict[str, Any]] = {
    "Cluster": {
        "instances": int,
        "imageName": str,
        "enableSuperuserAccess": bool,
        "superuserSecret": {"name": str},
        "postgresql": {"parameters": dict},
        "storage": {"size": str},
        "resources": dict,
        "affinity": {"enablePodAntiAffinity": bool, "topologyKey": str},
        "monitoring": {"enablePodMonitor": bool},
        "backup": {
            "retentionPolicy": str,
            "barmanObjectStore": {
                "destinationPath": str,
                "s3Credentials": {
                    "accessKeyId": {"name": str, "key": str},
                    "secretAccessKey": {"name": str, "key": str},
                },
                "wal": {"compression": str},
                "data": {"compression": str},
            },
        },
    },
    "ScheduledBackup": {"schedule": str, "backupOwnerReference": str, "cluster": {"name": str}},
    "RabbitmqCluster": {
        "replicas": int,
        "image": str,
        "secretBackend": {"externalSecret": {"name": str}},
        "resources": dict,
        "persistence": {"storage": str},
        "rabbitmq": {"additionalPlugins": list, "additionalConfig": str},
        "override": {"statefulSet": dict},
    },
}
OPERATOR_GROUPS = {"postgresql.cnpg.io", "rabbitmq.com"}


def conforms(value: Any, shape: Any, where: str) -> list[str]:
    if isinstance(shape, dict):
        if not isinstance(value, dict):
            return [f"{where}: not an object"]
        problems = [f"{where}.{key}: not a field" for key in value if key not in shape]
        for key, inner in value.items():
            if key in shape:
                problems += conforms(inner, shape[key], f"{where}.{key}")
        return problems
    return [] if isinstance(value, shape) else [f"{where}: not {shape.__name__}"]


def test_the_operators_objects_use_fields_of_their_apis(overlay):
    name, docs = overlay
    custom = [d for d in docs if d["apiVersion"].split("/")[0] in OPERATOR_GROUPS]
    assert {d["kind"] for d in custom} >= {"Cluster", "RabbitmqCluster"}
    for doc in custom:
        assert set(doc) <= {"apiVersion", "kind", "metadata", "spec"}
        problems = conforms(doc["spec"], OPERATOR_FIELDS[doc["kind"]], doc["kind"])
        assert problems == [], f"{name}: {problems}"


def test_the_broker_is_a_cluster_of_quorum_queues_loaded_from_broker_config(overlay):
    name, docs = overlay
    rabbit = find(docs, "RabbitmqCluster", "shop-rabbitmq")
    assert rabbit["spec"]["replicas"] == (3 if name == "prod" else 1)
    config = rabbit["spec"]["rabbitmq"]["additionalConfig"]
    assert "default_queue_type = quorum" in config
    assert "definitions.local.path = /etc/rabbitmq/definitions" in config
    (container,) = rabbit["spec"]["override"]["statefulSet"]["spec"]["template"]["spec"][
        "containers"
    ]
    assert {"name": "definitions", "mountPath": "/etc/rabbitmq/definitions"} in container[
        "volumeMounts"
    ]
    definitions = find(docs, "ConfigMap", "rabbitmq-definitions")["data"]["definitions.json"]
    assert json.loads(definitions) == json.loads(
        (ROOT / "broker-config" / "definitions.json").read_text()
    )
    assert find(docs, "Secret", "rabbitmq-default-user")["type"] == "Opaque"
    assert find(docs, "Cluster", "shop-postgres")["spec"]["instances"] == (
        3 if name == "prod" else 1
    )


@pytest.mark.parametrize("service_name", NAMES)
def test_every_service_has_its_objects(overlay, service_name: str):
    name, docs = overlay
    deployment = find(docs, "Deployment", service_name)
    service = find(docs, "Service", service_name)
    autoscaler = find(docs, "HorizontalPodAutoscaler", service_name)
    budget = find(docs, "PodDisruptionBudget", service_name)
    replicas = 3 if name == "prod" else 1
    assert deployment["spec"]["replicas"] == replicas
    assert autoscaler["spec"]["minReplicas"] == replicas
    assert autoscaler["spec"]["scaleTargetRef"]["name"] == service_name
    assert budget["spec"]["selector"] == deployment["spec"]["selector"]
    assert service["spec"]["selector"] == deployment["spec"]["selector"]["matchLabels"]

    pod = deployment["spec"]["template"]["spec"]
    (container,) = pod["containers"]
    port = 3000 if service_name == FRONTEND else _service(service_name).port
    assert container["ports"][0] == {"name": "http", "containerPort": port}
    assert service["spec"]["ports"][0]["port"] == port
    # Probes: ready when its database, broker and Redis answer; alive while the process runs.
    if service_name != FRONTEND:
        assert container["readinessProbe"]["httpGet"]["path"] == "/ready"
        assert container["livenessProbe"]["httpGet"]["path"] == "/health"
    # Non-root, read-only root filesystem, resources, and a graceful stop.
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert container["securityContext"]["readOnlyRootFilesystem"] is True
    assert container["securityContext"]["allowPrivilegeEscalation"] is False
    assert set(container["resources"]) == {"requests", "limits"}
    assert pod["terminationGracePeriodSeconds"] >= 20
    assert container["lifecycle"]["preStop"]["exec"]["command"] == ["sleep", "5"]
    if name == "prod":
        assert "podAntiAffinity" in pod["affinity"]
    else:
        assert "affinity" not in pod


def _service(name: str) -> Service:
    return next(s for s in all_services() if s.name == name)


@pytest.mark.parametrize("service", [s for s in all_services() if s.has_database], ids=str)
def test_every_database_has_a_migration_job(overlay, service: Service):
    _, docs = overlay
    job = find(docs, "Job", f"migrate-{service.short}")
    (container,) = job["spec"]["template"]["spec"]["containers"]
    assert container["command"][-1].startswith(f"python -m {service.package} migrate")
    assert (
        container["image"].endswith(f"shop/{service.name}")
        or f"/{service.name}:" in (container["image"])
    )
    assert job["metadata"]["annotations"]["argocd.argoproj.io/hook"] == "PreSync"


@pytest.mark.parametrize("service", all_services(), ids=lambda s: s.name)
def test_the_environment_names_are_the_services_settings(overlay, service: Service):
    """Every name set is one the service reads; every name it needs in production is set."""
    if service not in present():
        pytest.skip(f"{service.name} is not in this checkout yet")
    _, docs = overlay
    config = config_map(docs)
    env = container_env(find(docs, "Deployment", service.name), config)
    if service.has_database:
        job = find(docs, "Job", f"migrate-{service.short}")
        env |= container_env({"spec": job["spec"]}, config)
    known = env_names(service) | set(READ_ELSEWHERE)
    shared = set(config)
    unknown = {name for name in env if name not in known and name not in shared}
    assert unknown == set()
    assert required_names(service) - set(env) == set()
    # The shared ConfigMap holds only names some service reads.
    readers = set().union(*(env_names(s) for s in present())) | set(READ_ELSEWHERE)
    assert shared - readers == set()


def test_the_gateway_metrics_are_reachable_in_the_cluster_only(overlay):
    _, docs = overlay
    metrics = find(docs, "Service", "api-gateway-metrics")
    assert metrics["spec"].get("type", "ClusterIP") == "ClusterIP"
    assert metrics["spec"]["ports"][0]["port"] == k8s_manifests.METRICS_PORT
    ingress = find(docs, "Ingress", "shop")
    backends = {
        path["backend"]["service"]["name"]
        for rule in ingress["spec"]["rules"]
        for path in rule["http"]["paths"]
    }
    assert backends == {"api-gateway", FRONTEND}


def test_a_browser_keeps_to_one_storefront_pod(overlay):
    # Refresh-token exchanges are shared within a pod only: a browser's parallel requests
    # must reach the same one (decision 51).
    _, docs = overlay
    annotations = find(docs, "Ingress", "shop")["metadata"]["annotations"]
    assert annotations["nginx.ingress.kubernetes.io/affinity"] == "cookie"
    assert annotations["nginx.ingress.kubernetes.io/affinity-mode"] == "persistent"


def test_no_secret_value_is_committed():
    for path in Path(K8S).rglob("*"):
        if path.is_file() and "secrets.example" not in path.parts:
            text = path.read_text()
            assert "kind: Secret" not in text, path
    for example in (K8S / "secrets.example").glob("*.env"):
        for line in example.read_text().splitlines():
            if "=" in line and not line.startswith("#"):
                key, value = line.split("=", 1)
                assert (
                    value in ("", "postgres", "shop")
                    or "CHANGE-ME" in value
                    or ("@example.com" in value)
                ), f"{example.name}: {key} has a value"
