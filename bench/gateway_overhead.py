"""What the gateway itself costs: its CPU time per request in front of an upstream that costs
next to nothing.

    uv run python bench/gateway_overhead.py [--duration 8] [--warmup 2] [--rounds 3]
                                            [--connections 16]

The upstream is nginx answering every `/api/...` with a fixed JSON body and serving the JWKS of
a test signing key. In front of it run the gateway (`python -m api_gateway serve`, 1 worker,
rate limiter on but never refusing) and, for comparison, nginx as a plain keep-alive proxy.
For each case wrk runs and the proxy's CPU time (user + system, from /proc) is divided by the
requests it served: unlike req/s, that figure holds on a machine shared with other work.

Cases: the gateway on a public route without a token (routing, rate limit, forwarding); the
gateway on a customer route with a token (the same plus the JWT and revocation checks); nginx.
"""

import argparse
import json
import shutil
import statistics
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from harness import RESULTS, ROOT, Process, machine, serve, wrk
from service_kit.testing import TokenMinter, free_port

BODY = (
    '{"id":"0b7c6f1e-3f4a-4a8e-9d57-2f1b5c3a9e10","username":"bench",'
    '"email":"bench@example.com","role":"customer","created_at":"2024-01-01T00:00:00Z"}'
)
NGINX_COMMON = """\
worker_processes 1;
daemon off;
pid {tmp}/{name}.pid;
error_log {tmp}/{name}-error.log warn;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    default_type application/json;
    client_body_temp_path {tmp}/{name}-body;
    proxy_temp_path {tmp}/{name}-proxy;
    fastcgi_temp_path {tmp}/{name}-fastcgi;
    uwsgi_temp_path {tmp}/{name}-uwsgi;
    scgi_temp_path {tmp}/{name}-scgi;
{servers}
}}
"""
STATIC_SERVER = """\
    server {{
        listen 127.0.0.1:{port};
        location = /jwks.json {{ root {tmp}; }}
        location / {{ return 200 '{body}'; }}
    }}"""
PROXY_SERVER = """\
    upstream static {{ server 127.0.0.1:{upstream}; keepalive 128; }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://static;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
        }}
    }}"""


def nginx(tmp: Path, name: str, servers: str) -> Process:
    conf = tmp / f"{name}.conf"
    conf.write_text(NGINX_COMMON.format(tmp=tmp, name=name, servers=servers))
    return Process(name, ["nginx", "-p", str(tmp), "-c", str(conf)], {}, tmp / f"{name}.out")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--duration", type=int, default=8)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=3, help="the median is reported")
    parser.add_argument("--connections", type=int, default=16)
    args = parser.parse_args()
    for tool in ("wrk", "nginx"):
        if shutil.which(tool) is None:
            print(f"{tool} is missing: apt-get install -y wrk nginx-light", file=sys.stderr)
            return 2

    tmp = Path(tempfile.mkdtemp(prefix="shop-bench-overhead-"))
    tmp.chmod(0o755)  # nginx workers (user nobody) serve the JWKS file from here
    minter = TokenMinter()
    (tmp / "jwks.json").write_text(json.dumps(minter.jwks))
    token = minter.token(exp=datetime.now(UTC) + timedelta(hours=2))
    ports = {name: free_port() for name in ("static", "proxy", "gateway")}
    processes: list[Process] = []
    samples: dict[str, list[dict[str, Any]]] = {}
    try:
        static = nginx(
            tmp, "static", STATIC_SERVER.format(port=ports["static"], tmp=tmp, body=BODY)
        )
        processes.append(static)
        proxy = nginx(
            tmp, "proxy", PROXY_SERVER.format(port=ports["proxy"], upstream=ports["static"])
        )
        processes.append(proxy)
        upstream = f"http://127.0.0.1:{ports['static']}"
        gateway = serve(
            "api_gateway",
            ports["gateway"],
            1,
            {
                "ENV": "test",
                "LOG_LEVEL": "WARNING",
                "AUTH_SERVICE_URL": upstream,
                "PRODUCT_SERVICE_URL": upstream,
                "JWKS_URL": f"{upstream}/jwks.json",
                **{
                    f"RATE_LIMIT_{who}_{what}": "1000000000"
                    for who in ("IP", "USER")
                    for what in ("PER_SECOND", "BURST")
                },
            },
            tmp,
        )
        processes.append(gateway)
        gateway_url = f"http://127.0.0.1:{ports['gateway']}"
        static.wait_ready(f"{upstream}/jwks.json")
        gateway.wait_ready(f"{gateway_url}/health")
        proxy.wait_ready(f"http://127.0.0.1:{ports['proxy']}/health")
        cases = [
            ("gateway, public route, no token", gateway, f"{gateway_url}/api/products", None),
            ("gateway, customer route, token", gateway, f"{gateway_url}/api/auth/me", token),
            ("nginx proxy", proxy, f"http://127.0.0.1:{ports['proxy']}/api/auth/me", token),
        ]
        for round_ in range(args.rounds):
            for name, process, url, bearer in cases:
                wrk(url, bearer, args.connections, args.warmup)
                before = process.cpu_seconds()
                result = wrk(url, bearer, args.connections, args.duration)
                result["cpu_us"] = (process.cpu_seconds() - before) * 1e6 / result["requests"]
                if result["errors"]:
                    raise RuntimeError(f"{name}: {result['errors']} errors")
                samples.setdefault(name, []).append(result)
                print(
                    f"round {round_ + 1} {name:<32} {result['rps']:>8,.0f} req/s  "
                    f"p50 {result['p50_ms']:.2f} ms  CPU {result['cpu_us']:.0f} us/request",
                    flush=True,
                )
    finally:
        for process in reversed(processes):
            process.stop()
        shutil.rmtree(tmp, ignore_errors=True)

    rows = {
        name: {
            "requests_per_second": statistics.median(s["rps"] for s in runs),
            "p50_ms": statistics.median(s["p50_ms"] for s in runs),
            "cpu_us_per_request": statistics.median(s["cpu_us"] for s in runs),
        }
        for name, runs in samples.items()
    }
    print(f"\n| case ({args.connections} connections) | req/s | p50 ms | proxy CPU per request |")
    print("|---|---:|---:|---:|")
    for name, row in rows.items():
        print(
            f"| {name} | {row['requests_per_second']:,.0f} | {row['p50_ms']:.2f} "
            f"| {row['cpu_us_per_request']:.0f} us |"
        )
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    out = RESULTS / f"gateway-overhead-{stamp}.json"
    out.write_text(
        json.dumps(
            {
                "when": stamp,
                "machine": machine(),
                "config": vars(args),
                "cases": rows,
                "samples": samples,
            },
            indent=2,
        )
    )
    print(f"\nresults: {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
