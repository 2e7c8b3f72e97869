"""Catalog search and product pages at growing catalog sizes.

    uv run python bench/catalog.py [--sizes 1000,10000,100000] [--duration 10] [--warmup 3]
                                   [--connections 16] [--workers 1] [--gateway]

For each catalog size: a fresh catalog in the database shop_product_catalog_bench (synthetic
products, bulk-loaded with `seed --synthetic`, no events), the product service started on a free
port (`python -m product_service serve`, its own RabbitMQ virtual host `shop_bench`), then wrk
with 16 connections against:

- search, cached:   GET /api/products?q=... rotating through SEARCHES (realistic shopper
                    searches, with typos, prefixes and filters); repeats are served from the
                    service's short-lived cache of whole responses (its default lifetime,
                    SEARCH_CACHE_SECONDS), as popular searches are in production;
- search, uncached: the same with the cache off (SEARCH_CACHE_SECONDS=0), so every request
                    runs the full search (matches, facets, ranking, the page); also with one
                    connection, for the time of a search with no queue;
- product page:     GET /api/products/{id} rotating through 1,000 product ids.

With --gateway, the two searches and the product page are measured again through the API
gateway (`python -m api_gateway serve`, rate limits off) in front of the same service.

The service answers searches from its in-memory index once it is built; each run waits for
it and records the build's duration, the time from starting the process until the index holds
the whole catalog, and the service's resident memory. The script runs under any checkout's
virtual environment (`/path/to/checkout/.venv/bin/python bench/catalog.py`): the service, its
migrations and its seeder are that environment's.

Prints a table (req/s, p50, p99, the service's CPU time per request, growth against the
smallest catalog) and writes the numbers to bench/results/. The CPU time is the figure the
machine's other load disturbs least.
Needs wrk (Debian: `apt-get install -y wrk`), PostgreSQL, RabbitMQ, Redis.
"""

import argparse
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
import product_service
from harness import RESULTS, ROOT, Process, machine
from product_service.config import ProductSettings
from product_service.seed import add_synthetic
from service_kit.testing import free_port, prepare_database
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

# The migration environment reads the settings from the environment too.
os.environ.setdefault("ENV", "dev")

DATABASE = "shop_product_catalog_bench"  # not shop_product_bench: checkout.py uses that one
# The product service of the environment running this (its migrations, its seeder).
SERVICE_DIR = Path(product_service.__file__).resolve().parents[2]
VHOST = "shop_bench"

# What shoppers type: whole words, half-typed words, typos, several words, and filters.
SEARCHES: tuple[dict[str, Any], ...] = (
    {"q": "headphones"},
    {"q": "wireless"},
    {"q": "wireless mouse"},
    {"q": "espresso machine"},
    {"q": "running shoes", "sort": "price_asc"},
    {"q": "yoga mat"},
    {"q": "4k monitor"},
    {"q": "hedphones"},
    {"q": "keybord"},
    {"q": "head"},
    {"q": "lap"},
    {"q": "air fryer", "in_stock": "true"},
    {"q": "desk lamp", "max_price_cents": 5000},
    {"q": "power bank", "sort": "price_desc"},
    {"q": "drone", "category": "cameras"},
    {"q": "board game"},
    {"q": "black", "category": "audio"},
    {"q": "noise cancelling headphones"},
    {"q": "cookbook", "sort": "newest"},
    {"q": "kids"},
)


@dataclass
class Measurement:
    catalog: int
    scenario: str
    via: str
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int
    service_cpu_ms_per_request: float


def settings() -> ProductSettings:
    # env=test only to let the kit drop and recreate this throwaway database.
    return ProductSettings(env="test", database_name=DATABASE)


def rabbitmq_vhost() -> str:
    """A virtual host of the benchmark's own, so its consumer never takes events meant for a
    platform running on this machine."""
    for args in (
        ["add_vhost", VHOST],
        ["set_permissions", "-p", VHOST, "guest", ".*", ".*", ".*"],
    ):
        subprocess.run(["rabbitmqctl", "-q", *args], capture_output=True, check=False, timeout=60)
    return f"amqp://guest:guest@127.0.0.1:5672/{VHOST}"


async def load_catalog(size: int) -> list[str]:
    """A fresh catalog of `size` products; returns some of their ids."""
    config = settings()
    await prepare_database(config, SERVICE_DIR)
    await add_synthetic(config, size, seed=7)
    engine = create_async_engine(config.sqlalchemy_url)
    try:
        async with engine.connect() as connection:
            rows = await connection.execute(
                text("SELECT id FROM products ORDER BY random() LIMIT 1000")
            )
            return [str(row[0]) for row in rows]
    finally:
        await engine.dispose()


def lua_rotating(paths: list[str], tmp: Path, name: str) -> Path:
    """A wrk script that sends the paths in turn (each connection from its own start)."""
    listed = ",\n".join(json.dumps(p) for p in paths)
    script = tmp / f"{name}.lua"
    script.write_text(
        f"local paths = {{\n{listed}\n}}\n"
        "local i = 0\n"
        "function setup(thread) thread:set('offset', math.random(#paths)) end\n"
        "function init(args) i = offset or 0 end\n"
        "function request()\n"
        "  i = i % #paths + 1\n"
        "  return wrk.format('GET', paths[i])\n"
        "end\n"
    )
    return script


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _ms(value: str) -> float:
    found = re.fullmatch(r"([\d.]+)(us|ms|s)", value)
    if found is None:
        raise RuntimeError(f"unexpected wrk latency {value!r}")
    return float(found.group(1)) * _UNITS[found.group(2)]


def wrk(base_url: str, script: Path, connections: int, seconds: int) -> dict[str, Any]:
    out = subprocess.run(
        [
            "wrk",
            f"-t{min(2, connections)}",
            f"-c{connections}",
            f"-d{seconds}s",
            "--timeout",
            "10s",
            "--latency",
            "-s",
            str(script),
            base_url,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    latency = dict(re.findall(r"^\s+(50|99)%\s+(\S+)\s*$", out, re.MULTILINE))
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    total = re.search(r"(\d+) requests in", out)
    if "50" not in latency or "99" not in latency or rps is None or total is None:
        raise RuntimeError(f"unexpected wrk output:\n{out}")
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    sockets = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out
    )
    return {
        "rps": float(rps.group(1)),
        "requests": int(total.group(1)),
        "p50_ms": _ms(latency["50"]),
        "p99_ms": _ms(latency["99"]),
        "errors": (int(non_2xx.group(1)) if non_2xx else 0)
        + (sum(int(g) for g in sockets.groups()) if sockets else 0),
    }


def search_paths() -> list[str]:
    return [f"/api/products?{urlencode(params)}" for params in SEARCHES]


def check_answers(base_url: str, paths: list[str]) -> None:
    """Every benchmarked request succeeds, and searches find something (a typo too)."""
    with httpx.Client(base_url=base_url, timeout=30) as client:
        for path in paths:
            response = client.get(path)
            response.raise_for_status()
            if path.startswith("/api/products?") and not response.json()["total"]:
                raise RuntimeError(f"{path} found nothing")


def wait_for_index(base_url: str, size: int, timeout: float = 300) -> float:
    """Wait until the service's search index holds the whole catalog; its load's duration."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        metrics = httpx.get(f"{base_url}/metrics", timeout=5).text
        found = dict(re.findall(r"^(product_search_index_\w+) (\S+)$", metrics, re.MULTILINE))
        if float(found.get("product_search_index_products", 0)) >= size:
            return float(found["product_search_index_load_seconds"])
        time.sleep(0.2)
    raise RuntimeError("the search index did not load")


def rss_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    found = re.search(r"VmRSS:\s+(\d+) kB", status)
    return int(found.group(1)) / 1024 if found else 0.0


def service_env(port: int, amqp_url: str, cache_seconds: float | None) -> dict[str, str]:
    """The service's own search cache lifetime unless `cache_seconds` is given."""
    env = {
        "ENV": "dev",
        "PORT": str(port),
        "DATABASE_NAME": DATABASE,
        "AMQP_URL": amqp_url,
        "LOG_LEVEL": "WARNING",
    }
    if cache_seconds is not None:
        env["SEARCH_CACHE_SECONDS"] = str(cache_seconds)
    return env


def gateway_env(port: int, product_url: str) -> dict[str, str]:
    return {
        "ENV": "dev",
        "PORT": str(port),
        "PRODUCT_SERVICE_URL": product_url,
        "RATE_LIMIT_ENABLED": "false",
        "ACCESS_LOG": "false",
        "LOG_LEVEL": "WARNING",
    }


def measure_size(
    size: int,
    args: argparse.Namespace,
    amqp_url: str,
    tmp: Path,
    index_loads: list[dict[str, Any]],
) -> list[Measurement]:
    import asyncio

    print(f"\n== catalog of {size:,} products: loading", flush=True)
    started = time.monotonic()
    ids = asyncio.run(load_catalog(size))
    print(f"   loaded in {time.monotonic() - started:.1f}s", flush=True)
    searches = lua_rotating(search_paths(), tmp, "search")
    random.Random(size).shuffle(ids)
    pages = lua_rotating([f"/api/products/{i}" for i in ids], tmp, "page")
    clients = args.connections
    runs: tuple[tuple[float | None, list[tuple[str, Path, int]]], ...] = (
        (None, [("search, cached", searches, clients), ("product page", pages, clients)]),
        # One connection: the time a search takes when nothing waits in front of it.
        (0.0, [("search, uncached", searches, clients), ("search, uncached", searches, 1)]),
    )
    found: list[Measurement] = []
    for cache_seconds, scenarios in runs:
        port = free_port()
        spawned = time.monotonic()
        service = Process(
            "product-service",
            [sys.executable, "-m", "product_service", "serve", "--workers", str(args.workers)],
            service_env(port, amqp_url, cache_seconds),
            tmp / f"product-{size}-{'uncached' if cache_seconds == 0 else 'cached'}.log",
        )
        gateway: Process | None = None
        try:
            service.wait_ready(f"http://127.0.0.1:{port}/health")
            targets = {"service": f"http://127.0.0.1:{port}"}
            load_seconds = wait_for_index(targets["service"], size)
            index_loads.append(
                {
                    "catalog": size,
                    "load_seconds": round(load_seconds, 2),
                    "start_to_index_seconds": round(time.monotonic() - spawned, 2),
                    "ready_status": httpx.get(f"{targets['service']}/ready", timeout=5).status_code,
                    "service_rss_mb": round(rss_mb(service.proc.pid), 1),
                }
            )
            print(f"   search index loaded in {load_seconds:.2f}s, {index_loads[-1]}", flush=True)
            if args.gateway:
                gateway_port = free_port()
                gateway = Process(
                    "api-gateway",
                    [sys.executable, "-m", "api_gateway", "serve"],
                    gateway_env(gateway_port, targets["service"]),
                    tmp / f"gateway-{size}-{'uncached' if cache_seconds == 0 else 'cached'}.log",
                )
                gateway.wait_ready(f"http://127.0.0.1:{gateway_port}/health")
                targets["gateway"] = f"http://127.0.0.1:{gateway_port}"
            check_answers(targets["service"], [*search_paths(), f"/api/products/{ids[0]}"])
            for via, base_url in targets.items():
                for name, script, connections in scenarios:
                    if connections == 1 and via != "service":
                        continue
                    scenario = name if connections == clients else f"{name}, {connections} conn."
                    wrk(base_url, script, connections, args.warmup)
                    cpu_before = service.cpu_seconds()
                    result = wrk(base_url, script, connections, args.duration)
                    cpu_ms = (
                        1000 * (service.cpu_seconds() - cpu_before) / max(1, result["requests"])
                    )
                    found.append(
                        Measurement(
                            catalog=size,
                            scenario=scenario,
                            via=via,
                            requests_per_second=result["rps"],
                            p50_ms=result["p50_ms"],
                            p99_ms=result["p99_ms"],
                            requests=result["requests"],
                            errors=result["errors"],
                            service_cpu_ms_per_request=round(cpu_ms, 3),
                        )
                    )
                    print(
                        f"   {scenario:<25} {via:<8} {result['rps']:>8.0f} req/s  "
                        f"p50 {result['p50_ms']:6.1f} ms  p99 {result['p99_ms']:6.1f} ms  "
                        f"service CPU {cpu_ms:5.2f} ms/req  errors {result['errors']}",
                        flush=True,
                    )
        finally:
            if gateway is not None:
                gateway.stop()
            service.stop()
    return found


def table(measurements: list[Measurement]) -> str:
    smallest = min(m.catalog for m in measurements)
    base = {
        (m.scenario, m.via): m.requests_per_second for m in measurements if m.catalog == smallest
    }
    lines = [
        "| scenario | via | products | req/s | p50 ms | p99 ms | service CPU ms/req | "
        f"req/s vs {smallest:,} | errors |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for m in sorted(measurements, key=lambda m: (m.via, m.scenario, m.catalog)):
        ratio = base[(m.scenario, m.via)] / m.requests_per_second
        lines.append(
            f"| {m.scenario} | {m.via} | {m.catalog:,} | {m.requests_per_second:,.0f} | "
            f"{m.p50_ms:.1f} | {m.p99_ms:.1f} | {m.service_cpu_ms_per_request:.2f} | "
            f"{ratio:.2f}x slower | {m.errors} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--gateway", action="store_true", help="also measure via the gateway")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    about = machine()
    about["load_average_at_start"] = os.getloadavg()
    print(f"machine: {about}", flush=True)
    amqp_url = rabbitmq_vhost()
    measurements: list[Measurement] = []
    index_loads: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="catalog-bench-") as tmp:
        for size in sizes:
            measurements.extend(measure_size(size, args, amqp_url, Path(tmp), index_loads))
    about["load_average_at_end"] = os.getloadavg()
    print("\n" + table(measurements))
    print(f"load average at start {about['load_average_at_start']}, at end {os.getloadavg()}")
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    out = RESULTS / f"catalog-{stamp}.json"
    about["service_dir"] = str(SERVICE_DIR)
    out.write_text(
        json.dumps(
            {
                "machine": about,
                "settings": {
                    **vars(args),
                    "search_cache_seconds": settings().search_cache_seconds,
                },
                "searches": SEARCHES,
                "measurements": [asdict(m) for m in measurements],
                "search_index_loads": index_loads,
            },
            indent=2,
        )
    )
    print(f"\nwritten to {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
