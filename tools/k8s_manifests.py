"""The per-service Kubernetes manifests of deploy/k8s/, rendered from the platform's list of
services (platform_services.py), so nine nearly equal Deployments never drift apart by hand.

`make k8s` writes them; tests/deployment/test_kubernetes.py fails when the committed files differ
from what this renders. Per service: Deployment, Service, HorizontalPodAutoscaler,
PodDisruptionBudget (base/services/), a migration Job per database (base/migrations/), and the
prod overlay's anti-affinity patch. The rest of deploy/k8s/ (ConfigMap, Secret generators,
PostgreSQL, RabbitMQ, Redis, network policies, overlays) is written by hand.
"""

import sys
from pathlib import Path
from typing import Any

import yaml

from platform_services import ROOT, SERVICES, Service

K8S = ROOT / "deploy" / "k8s"
PART_OF = "shop"
METRICS_PORT = 9100
FRONTEND_NAME, FRONTEND_PORT = "frontend", 3000
# A writable /tmp on the read-only root filesystem (an emptyDir of the pod's own).
TMP_MOUNT = {"name": "tmp", "mountPath": "/tmp"}  # noqa: S108
HEADER = "# Rendered by tools/k8s_manifests.py (`make k8s`); edit that, not this file.\n"

# What a service reads beyond the shared ConfigMap: (env name, value or (secret key, optional)).
EXTRA_ENV: dict[str, list[tuple[str, str | tuple[str, bool]]]] = {
    "auth-service": [("KEY_ENCRYPTION_KEY", ("KEY_ENCRYPTION_KEY", False))],
    "order-service": [("CART_URL", "http://cart-service:8003")],
    # Optional: without a key, product descriptions are not generated.
    "recommendation-service": [("GEMINI_API_KEY", ("GEMINI_API_KEY", True))],
    "api-gateway": [
        *((f"{s.short.upper()}_SERVICE_URL", f"http://{s.name}:{s.port}") for s in SERVICES[:-1]),
        ("METRICS_PORT", str(METRICS_PORT)),
    ],
}


def labels(name: str, component: str = "service") -> dict[str, str]:
    return {
        "app.kubernetes.io/name": name,
        "app.kubernetes.io/part-of": PART_OF,
        "app.kubernetes.io/component": component,
    }


def selector(name: str) -> dict[str, str]:
    return {"app.kubernetes.io/name": name, "app.kubernetes.io/part-of": PART_OF}


def secret(key: str, optional: bool = False) -> dict[str, Any]:
    ref: dict[str, Any] = {"name": "shop-secrets", "key": key}
    if optional:
        ref["optional"] = True
    return {"secretKeyRef": ref}


def env_list(service: Service) -> list[dict[str, Any]]:
    env: list[dict[str, Any]] = [{"name": "PORT", "value": str(service.port)}]
    if service.has_database:
        env.append({"name": "AMQP_URL", "valueFrom": secret("AMQP_URL")})
        key = f"{service.short.upper()}_DATABASE_PASSWORD"
        env.append({"name": "DATABASE_PASSWORD", "valueFrom": secret(key)})
    for name, value in EXTRA_ENV.get(service.name, []):
        if isinstance(value, tuple):
            env.append({"name": name, "valueFrom": secret(*value)})
        else:
            env.append({"name": name, "value": value})
    return env


def security() -> tuple[dict[str, Any], dict[str, Any]]:
    pod = {
        "runAsNonRoot": True,
        "runAsUser": 65534,
        "runAsGroup": 65534,
        "seccompProfile": {"type": "RuntimeDefault"},
    }
    container = {
        "allowPrivilegeEscalation": False,
        "readOnlyRootFilesystem": True,
        "capabilities": {"drop": ["ALL"]},
    }
    return pod, container


def probe(path: str, port: str, period: int, failures: int) -> dict[str, Any]:
    return {
        "httpGet": {"path": path, "port": port},
        "periodSeconds": period,
        "timeoutSeconds": 2,
        "failureThreshold": failures,
    }


def container(name: str, port: int, env: list[dict[str, Any]], ready: str) -> dict[str, Any]:
    _, sec = security()
    ports = [{"name": "http", "containerPort": port}]
    if name == "api-gateway":
        ports.append({"name": "metrics", "containerPort": METRICS_PORT})
    live: dict[str, Any] = probe("/health", "http", 10, 3)
    if name == FRONTEND_NAME:
        live = {"tcpSocket": {"port": "http"}, "periodSeconds": 10, "failureThreshold": 3}
    return {
        "name": name,
        "image": f"shop/{name}",
        "imagePullPolicy": "IfNotPresent",
        "ports": ports,
        "envFrom": [{"configMapRef": {"name": "shop-config"}}] if name != "frontend" else [],
        "env": env,
        "startupProbe": {**probe(ready, "http", 2, 60)},
        "readinessProbe": probe(ready, "http", 5, 2),
        "livenessProbe": live,
        # Endpoints drop the pod before it gets SIGTERM; then uvicorn stops accepting, finishes
        # requests, and the kit's shutdown stops the consumer (unacked messages go back to the
        # queue) and the outbox relay (unsent rows stay in the outbox for the next replica).
        "lifecycle": {"preStop": {"exec": {"command": ["sleep", "5"]}}},
        "resources": {
            "requests": {"cpu": "100m", "memory": "192Mi"},
            "limits": {"cpu": "1", "memory": "512Mi"},
        },
        "securityContext": sec,
        "volumeMounts": [TMP_MOUNT],
    }


def deployment(name: str, port: int, env: list[dict[str, Any]], ready: str) -> dict[str, Any]:
    pod, _ = security()
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name, "labels": labels(name)},
        "spec": {
            "replicas": 2,
            "revisionHistoryLimit": 5,
            "selector": {"matchLabels": selector(name)},
            "strategy": {"rollingUpdate": {"maxUnavailable": 0, "maxSurge": 1}},
            "template": {
                "metadata": {"labels": labels(name)},
                "spec": {
                    "automountServiceAccountToken": False,
                    "securityContext": pod,
                    "terminationGracePeriodSeconds": 30,
                    "containers": [container(name, port, env, ready)],
                    "volumes": [{"name": "tmp", "emptyDir": {"sizeLimit": "64Mi"}}],
                },
            },
        },
    }


def service_object(name: str, port: int) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": name, "labels": labels(name)},
        "spec": {
            "selector": selector(name),
            "ports": [{"name": "http", "port": port, "targetPort": "http"}],
        },
    }


def metrics_service() -> dict[str, Any]:
    """The gateway's metrics, for Prometheus inside the cluster (no Ingress routes to it)."""
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {
            "name": "api-gateway-metrics",
            "labels": labels("api-gateway", "metrics"),
            "annotations": {
                "prometheus.io/scrape": "true",
                "prometheus.io/port": str(METRICS_PORT),
            },
        },
        "spec": {
            "selector": selector("api-gateway"),
            "ports": [{"name": "metrics", "port": METRICS_PORT, "targetPort": "metrics"}],
        },
    }


def autoscaler(name: str) -> dict[str, Any]:
    return {
        "apiVersion": "autoscaling/v2",
        "kind": "HorizontalPodAutoscaler",
        "metadata": {"name": name, "labels": labels(name)},
        "spec": {
            "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": name},
            "minReplicas": 2,
            "maxReplicas": 6,
            "metrics": [
                {
                    "type": "Resource",
                    "resource": {
                        "name": "cpu",
                        "target": {"type": "Utilization", "averageUtilization": 70},
                    },
                }
            ],
        },
    }


def disruption_budget(name: str) -> dict[str, Any]:
    return {
        "apiVersion": "policy/v1",
        "kind": "PodDisruptionBudget",
        "metadata": {"name": name, "labels": labels(name)},
        "spec": {"maxUnavailable": 1, "selector": {"matchLabels": selector(name)}},
    }


def migration_job(service: Service) -> dict[str, Any]:
    """`python -m <module> migrate` (creates the database and role, migrates to head); the auth
    service's job also creates or updates the admin account."""
    pod, sec = security()
    command = f"python -m {service.package} migrate"
    env = env_list(service)
    env.append({"name": "POSTGRES_ADMIN_URL", "valueFrom": secret("POSTGRES_ADMIN_URL")})
    if service.name == "auth-service":
        command += (
            ' && python -m auth_service create-admin --email="$ADMIN_EMAIL"'
            ' --password="$ADMIN_PASSWORD"'
        )
        env += [
            {"name": "ADMIN_EMAIL", "valueFrom": secret("ADMIN_EMAIL")},
            {"name": "ADMIN_PASSWORD", "valueFrom": secret("ADMIN_PASSWORD")},
        ]
    name = f"migrate-{service.short}"
    return {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": {
            "name": name,
            "labels": labels(service.name, "migration"),
            # Argo CD runs it before the Deployments change; with kubectl, see
            # docs/operations.md ("Deploying").
            "annotations": {
                "argocd.argoproj.io/hook": "PreSync",
                "argocd.argoproj.io/hook-delete-policy": "BeforeHookCreation",
            },
        },
        "spec": {
            "backoffLimit": 6,
            "activeDeadlineSeconds": 600,
            "ttlSecondsAfterFinished": 86400,
            "template": {
                "metadata": {"labels": labels(service.name, "migration")},
                "spec": {
                    "restartPolicy": "OnFailure",
                    "automountServiceAccountToken": False,
                    "securityContext": pod,
                    "containers": [
                        {
                            "name": "migrate",
                            "image": f"shop/{service.name}",
                            "command": ["sh", "-c", command],
                            "envFrom": [{"configMapRef": {"name": "shop-config"}}],
                            "env": env,
                            "resources": {
                                "requests": {"cpu": "100m", "memory": "192Mi"},
                                "limits": {"memory": "512Mi"},
                            },
                            "securityContext": sec,
                            "volumeMounts": [TMP_MOUNT],
                        }
                    ],
                    "volumes": [{"name": "tmp", "emptyDir": {"sizeLimit": "64Mi"}}],
                },
            },
        },
    }


def anti_affinity(name: str) -> dict[str, Any]:
    """prod: replicas on different nodes when possible, and spread over zones."""
    term = {
        "labelSelector": {"matchLabels": selector(name)},
        "topologyKey": "kubernetes.io/hostname",
    }
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name},
        "spec": {
            "template": {
                "spec": {
                    "affinity": {
                        "podAntiAffinity": {
                            "preferredDuringSchedulingIgnoredDuringExecution": [
                                {"weight": 100, "podAffinityTerm": term}
                            ]
                        }
                    },
                    "topologySpreadConstraints": [
                        {
                            "maxSkew": 1,
                            "topologyKey": "topology.kubernetes.io/zone",
                            "whenUnsatisfiable": "ScheduleAnyway",
                            "labelSelector": {"matchLabels": selector(name)},
                        }
                    ],
                }
            }
        },
    }


def frontend_env() -> list[dict[str, Any]]:
    return [
        {"name": "PORT", "value": str(FRONTEND_PORT)},
        {"name": "HOSTNAME", "value": "0.0.0.0"},
        # One process per pod (limit: one CPU); the Deployment's replicas and HPA scale it.
        {"name": "STOREFRONT_WORKERS", "value": "1"},
        # The ingress controller's pods, whose X-Forwarded-For the storefront believes (and
        # passes on to the gateway): the same setting as the gateway's.
        {
            "name": "TRUSTED_PROXIES",
            "valueFrom": {"configMapKeyRef": {"name": "shop-config", "key": "TRUSTED_PROXIES"}},
        },
        {"name": "API_GATEWAY_URL", "value": "http://api-gateway:8000"},
        {"name": "SESSION_SECRET", "valueFrom": secret("SESSION_SECRET")},
    ]


def dump(documents: list[dict[str, Any]]) -> str:
    body = "---\n".join(yaml.safe_dump(d, sort_keys=False, width=100) for d in documents)
    return HEADER + body


def render() -> dict[Path, str]:
    files: dict[Path, str] = {}
    affinity = []
    for service in SERVICES:
        ready = "/ready"
        docs = [
            deployment(service.name, service.port, env_list(service), ready),
            service_object(service.name, service.port),
            autoscaler(service.name),
            disruption_budget(service.name),
        ]
        if service.name == "api-gateway":
            docs.append(metrics_service())
        files[K8S / "base" / "services" / f"{service.name}.yaml"] = dump(docs)
        if service.has_database:
            files[K8S / "base" / "migrations" / f"{service.short}.yaml"] = dump(
                [migration_job(service)]
            )
        affinity.append(anti_affinity(service.name))
    name, port = FRONTEND_NAME, FRONTEND_PORT
    files[K8S / "base" / "services" / "frontend.yaml"] = dump(
        [
            deployment(name, port, frontend_env(), "/"),
            service_object(name, port),
            autoscaler(name),
            disruption_budget(name),
        ]
    )
    affinity.append(anti_affinity(name))
    files[K8S / "overlays" / "prod" / "anti-affinity.yaml"] = dump(affinity)
    return files


def main() -> int:
    for path, text in render().items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        print(path.relative_to(ROOT))
    return 0


if __name__ == "__main__":
    sys.exit(main())
