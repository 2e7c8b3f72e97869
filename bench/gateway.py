"""Gateway overhead on an authenticated, database-backed read: direct vs gateway vs nginx.

    uv run python bench/gateway.py [--rounds 1] [--duration 10] [--warmup 3] [--connections 1,64]
                                   [--service-workers 1] [--gateway-workers 1] [--nginx-workers 1]

Starts the auth service (fresh database shop_auth_bench, one signed-up user), the gateway in
front of it, and nginx (a generated config in a temporary directory, keep-alive upstream), then
runs wrk against `GET /api/auth/me` with the user's access token three ways in the same run, at
each connection count: straight to the service, through the gateway, through nginx. Prints a
table (req/s, p50, p99, CPU time per request of the service and the proxy) with the ratios,
and writes the numbers to bench/results/.

Needs wrk and nginx (Debian: `apt-get install -y wrk nginx-light`), PostgreSQL and Redis.
"""

import argparse
import asyncio
import json
import os
import shutil
import statistics
import sys
import tempfile
import uuid
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from harness import RESULTS, ROOT, Process, machine, serve, wrk
from service_kit.testing import free_port, prepare_database

DATABASE = "shop_auth_bench"
PATH = "/api/auth/me"
TARGETS = ("direct", "gateway", "nginx")

NGINX_CONF = """\
worker_processes {workers};
daemon off;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
events {{ worker_connections 4096; }}
http {{
    access_log {tmp}/access.log;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    upstream auth {{
        server 127.0.0.1:{upstream_port};
        keepalive 128;
        keepalive_timeout 4s;
    }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://auth;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
        }}
    }}
}}
"""


@dataclass
class Measurement:
    target: str
    connections: int
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int
    service_cpu_us: float  # CPU time of the auth service per request
    proxy_cpu_us: float  # CPU time of the gateway or nginx per request (0 for direct)


def sign_up(auth_url: str) -> tuple[str, str]:
    name = f"bench{uuid.uuid4().hex[:10]}"
    email, password = f"{name}@example.com", "bench-password-123"
    response = httpx.post(
        f"{auth_url}/api/auth/signup",
        json={"username": name, "email": email, "password": password},
        timeout=30,
    )
    response.raise_for_status()
    return email, password


def log_in(auth_url: str, email: str, password: str) -> str:
    response = httpx.post(
        f"{auth_url}/api/auth/login", json={"email": email, "password": password}, timeout=30
    )
    response.raise_for_status()
    token: str = response.json()["access_token"]
    return token


def summarise(measurements: list[Measurement], connections: list[int]) -> dict[str, Any]:
    cell = {(m.target, m.connections): m for m in measurements}
    ratios: dict[str, Any] = {}
    for c in connections:
        direct, gw, ng = (cell[(t, c)] for t in TARGETS)
        ratios[f"c{c}"] = {
            "gateway_vs_direct_throughput": round(
                gw.requests_per_second / direct.requests_per_second, 3
            ),
            "gateway_vs_nginx_throughput": round(
                gw.requests_per_second / ng.requests_per_second, 3
            ),
            "nginx_vs_direct_throughput": round(
                ng.requests_per_second / direct.requests_per_second, 3
            ),
            "gateway_added_p50_ms": round(gw.p50_ms - direct.p50_ms, 3),
            "nginx_added_p50_ms": round(ng.p50_ms - direct.p50_ms, 3),
        }
    return ratios


def print_table(measurements: list[Measurement], ratios: dict[str, Any]) -> None:
    print(
        "\n| path | connections | req/s | p50 ms | p99 ms | errors "
        "| service CPU/req | proxy CPU/req |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for m in measurements:
        print(
            f"| {m.target} | {m.connections} | {m.requests_per_second:,.0f} | {m.p50_ms:.2f} "
            f"| {m.p99_ms:.2f} | {m.errors} | {m.service_cpu_us:.0f} us | {m.proxy_cpu_us:.0f} us |"
        )
    print(
        "\n| connections | gateway/direct | gateway/nginx | nginx/direct "
        "| added p50 gateway | added p50 nginx |"
    )
    print("|---:|---:|---:|---:|---:|---:|")
    for key, r in ratios.items():
        print(
            f"| {key[1:]} | {r['gateway_vs_direct_throughput']:.2f} | "
            f"{r['gateway_vs_nginx_throughput']:.2f} | {r['nginx_vs_direct_throughput']:.2f} | "
            f"{r['gateway_added_p50_ms']:+.2f} ms | {r['nginx_added_p50_ms']:+.2f} ms |"
        )


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--duration", type=int, default=10, help="seconds per measurement")
    parser.add_argument("--warmup", type=int, default=3, help="seconds of warm-up before each")
    parser.add_argument("--connections", default="1,64")
    parser.add_argument("--rounds", type=int, default=1, help="repeat; the median is reported")
    parser.add_argument("--service-workers", type=int, default=1)
    parser.add_argument("--gateway-workers", type=int, default=1)
    parser.add_argument("--nginx-workers", type=int, default=1)
    parser.add_argument("--gateway-access-log", choices=("true", "false"), default="true")
    args = parser.parse_args()
    for tool in ("wrk", "nginx"):
        if shutil.which(tool) is None:
            print(f"{tool} is missing: apt-get install -y wrk nginx-light", file=sys.stderr)
            return 2
    from auth_service.config import AuthSettings  # the workspace's auth service

    connections = [int(c) for c in args.connections.split(",")]
    env = {"ENV": "test", "LOG_LEVEL": "WARNING"}
    # The migrations read their settings from the environment.
    os.environ.update({**env, "DATABASE_NAME": DATABASE, "DATABASE_USER": DATABASE})
    settings = AuthSettings()
    asyncio.run(prepare_database(settings, ROOT / "auth-service"))

    tmp = Path(tempfile.mkdtemp(prefix="shop-bench-"))
    ports = {t: free_port() for t in TARGETS}
    processes: list[Process] = []
    try:
        auth = serve(
            "auth_service",
            ports["direct"],
            args.service_workers,
            {**env, "DATABASE_NAME": DATABASE, "DATABASE_USER": DATABASE},
            tmp,
        )
        processes.append(auth)
        auth_url = f"http://127.0.0.1:{ports['direct']}"
        auth.wait_ready(auth_url + "/ready")
        limits = {
            f"RATE_LIMIT_{who}_{what}": "1000000000"
            for who in ("IP", "USER")
            for what in ("PER_SECOND", "BURST")
        }
        gateway = serve(
            "api_gateway",
            ports["gateway"],
            args.gateway_workers,
            {
                **env,
                **limits,  # the limiter runs on every request, but never refuses one here
                "AUTH_SERVICE_URL": auth_url,
                "JWKS_URL": f"{auth_url}/api/auth/.well-known/jwks.json",
                "ACCESS_LOG": args.gateway_access_log,
            },
            tmp,
        )
        processes.append(gateway)
        conf = tmp / "nginx.conf"
        conf.write_text(
            NGINX_CONF.format(
                workers=args.nginx_workers,
                tmp=tmp,
                port=ports["nginx"],
                upstream_port=ports["direct"],
            )
        )
        nginx = Process("nginx", ["nginx", "-p", str(tmp), "-c", str(conf)], {}, tmp / "nginx.out")
        processes.append(nginx)
        urls = {t: f"http://127.0.0.1:{ports[t]}{PATH}" for t in TARGETS}
        gateway.wait_ready(f"http://127.0.0.1:{ports['gateway']}/health")
        nginx.wait_ready(f"http://127.0.0.1:{ports['nginx']}/health")

        email, password = sign_up(auth_url)
        samples: dict[tuple[str, int], list[dict[str, Any]]] = {}
        for round_ in range(args.rounds):
            for c in connections:
                for target in TARGETS:
                    token = log_in(auth_url, email, password)  # fresh: tokens live 15 minutes
                    check = httpx.get(urls[target], headers={"Authorization": f"Bearer {token}"})
                    if check.status_code != 200:
                        raise RuntimeError(f"{target}: {check.status_code} {check.text}")
                    wrk(urls[target], token, c, args.warmup)
                    proxy = {"direct": None, "gateway": gateway, "nginx": nginx}[target]
                    before = auth.cpu_seconds(), proxy.cpu_seconds() if proxy else 0.0
                    result = wrk(urls[target], token, c, args.duration)
                    after = auth.cpu_seconds(), proxy.cpu_seconds() if proxy else 0.0
                    result["service_cpu_us"] = (after[0] - before[0]) * 1e6 / result["requests"]
                    result["proxy_cpu_us"] = (after[1] - before[1]) * 1e6 / result["requests"]
                    result["load_1m"] = os.getloadavg()[0]
                    samples.setdefault((target, c), []).append(result)
                    print(
                        f"round {round_ + 1} c={c:<3} {target:<8} {result['rps']:>9,.0f} req/s  "
                        f"p50 {result['p50_ms']:.2f} ms  p99 {result['p99_ms']:.2f} ms  "
                        f"errors {result['errors']}  load {result['load_1m']:.1f}  "
                        f"CPU/req service {result['service_cpu_us']:.0f} us "
                        f"proxy {result['proxy_cpu_us']:.0f} us",
                        flush=True,
                    )
        measurements = [
            Measurement(
                target=t,
                connections=c,
                requests_per_second=statistics.median(s["rps"] for s in samples[(t, c)]),
                p50_ms=statistics.median(s["p50_ms"] for s in samples[(t, c)]),
                p99_ms=statistics.median(s["p99_ms"] for s in samples[(t, c)]),
                requests=sum(s["requests"] for s in samples[(t, c)]),
                errors=sum(s["errors"] for s in samples[(t, c)]),
                service_cpu_us=statistics.median(s["service_cpu_us"] for s in samples[(t, c)]),
                proxy_cpu_us=statistics.median(s["proxy_cpu_us"] for s in samples[(t, c)]),
            )
            for c in connections
            for t in TARGETS
        ]
    finally:
        for process in reversed(processes):
            process.stop()
        shutil.rmtree(tmp, ignore_errors=True)

    ratios = summarise(measurements, connections)
    print_table(measurements, ratios)
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    report = {
        "when": stamp,
        "endpoint": f"GET {PATH} (access token; JWT check, revocation check, one SELECT)",
        "machine": machine(),
        "config": {
            "duration_s": args.duration,
            "warmup_s": args.warmup,
            "rounds": args.rounds,
            "service_workers": args.service_workers,
            "gateway_workers": args.gateway_workers,
            "nginx_workers": args.nginx_workers,
            "gateway_access_log": args.gateway_access_log,
            "wrk_threads": 1,
        },
        "measurements": [asdict(m) for m in measurements],
        "samples": {f"{t}/c{c}": s for (t, c), s in samples.items()},
        "ratios": ratios,
    }
    out = RESULTS / f"gateway-{stamp}.json"
    out.write_text(json.dumps(report, indent=2))
    print(f"\nresults: {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
