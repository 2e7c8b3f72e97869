"""Analytics reads at 10k, 100k and 1M stored events, and ingestion from RabbitMQ.

    uv run python bench/analytics.py [--sizes 10000,100000,1000000] [--duration 10]
                                     [--warmup 3] [--connections 16] [--backlog 100000]

Events: a synthetic shop (fixed seed) over the last 120 days: customers registering, products,
carts filled, orders paid, declined, cancelled and refunded, stock updates, carts emptied.

Reads: for each size, the events are stored in the database shop_analytics_bench through the
consumer's own insert (`repository.ingest.store_events`: its INSERT, batched), and the roll-ups
derived by `rebuild` (the consumer's own fold; a test shows rebuild = live). Sizes grow
cumulatively (the 100k run holds the 10k events and 90k more). Then the analytics service and
the API gateway are started (`serve`, rate limits off) and wrk with 16 connections and an admin
token runs against the gateway for: the summary (default range, 30 days), the sales trend over
90 days per day, and the top 10 products by revenue.

Ingestion: a fresh database shop_analytics_ingest_bench, a backlog of --backlog events
published to the service's queue (persistent, with confirms) while the service is down, then
the service started and the time until every event is stored and applied (events/s, end to end
through the kit's inbox consumer, the live path).

Tokens: a local JWKS (the test TokenMinter's key) served on loopback for the gateway and the
service. Prints tables and writes bench/results/analytics-<time>.json.
Needs wrk, PostgreSQL, RabbitMQ, Redis.
"""

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from functools import partial
from http.server import HTTPServer, SimpleHTTPRequestHandler
from pathlib import Path
from typing import Any

import aio_pika
import asyncpg
import httpx
from analytics_events import shop_events
from analytics_service.config import AnalyticsSettings
from analytics_service.consumers import handlers
from analytics_service.rebuild import rebuild
from analytics_service.repository.ingest import store_events
from harness import RESULTS, ROOT, Process, machine, wrk
from rich.progress import Progress
from service_kit.broker import declare_exchanges, declare_queue
from service_kit.pg import create_pool
from service_kit.testing import TokenMinter, free_port, prepare_database
from service_kit.topology import EXCHANGE, service_queues
from shop_contracts import Envelope

os.environ.setdefault("ENV", "dev")

DATABASE = "shop_analytics_bench"
INGEST_DATABASE = "shop_analytics_ingest_bench"
VHOST = "shop_bench_analytics"
DAYS = 120
PRODUCTS = 2_000
BATCH = 5_000


def settings(database: str, amqp_url: str = "") -> AnalyticsSettings:
    extra = {"amqp_url": amqp_url} if amqp_url else {}
    return AnalyticsSettings(env="test", database_name=database, **extra)


async def store(database: str, stream: Iterator[Envelope], count: int, label: str) -> None:
    """`count` more events through the consumer's insert, batched; then the roll-ups rebuilt."""
    pool = await create_pool(settings(database))
    try:
        with Progress() as progress:
            task = progress.add_task(f"storing {label}", total=count)
            left = count
            while left:
                batch = [next(stream) for _ in range(min(BATCH, left))]
                async with pool.acquire() as conn:
                    await store_events(conn, batch)
                left -= len(batch)
                progress.advance(task, len(batch))
            rebuilt = progress.add_task("rebuilding roll-ups", total=None)
            async with pool.acquire() as conn:
                await rebuild(
                    conn,
                    on_total=lambda n: progress.update(rebuilt, total=n),
                    on_progress=lambda n: progress.advance(rebuilt, n),
                )
                await conn.execute("ANALYZE")
    finally:
        await pool.close()


def jwks_server(minter: TokenMinter, tmp: Path) -> tuple[HTTPServer, str]:
    (tmp / "jwks.json").write_text(json.dumps(minter.jwks))
    port = free_port()
    server = HTTPServer(("127.0.0.1", port), partial(SimpleHTTPRequestHandler, directory=str(tmp)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{port}/jwks.json"


def rabbitmq_vhost() -> str:
    for args in (["add_vhost", VHOST], ["set_permissions", "-p", VHOST, "guest", ".*", ".*", ".*"]):
        subprocess.run(["rabbitmqctl", "-q", *args], capture_output=True, check=False, timeout=60)
    return f"amqp://guest:guest@127.0.0.1:5672/{VHOST}"


def start_service(
    database: str, amqp_url: str, jwks_url: str, tmp: Path, name: str
) -> tuple[Process, str]:
    port = free_port()
    env = {
        "ENV": "dev",
        "PORT": str(port),
        "DATABASE_NAME": database,
        "AMQP_URL": amqp_url,
        "JWKS_URL": jwks_url,
        "LOG_LEVEL": "WARNING",
    }
    service = Process(
        "analytics-service",
        [sys.executable, "-m", "analytics_service", "serve"],
        env,
        tmp / f"{name}.log",
    )
    service.wait_ready(f"http://127.0.0.1:{port}/ready")
    return service, f"http://127.0.0.1:{port}"


def measure_reads(
    size: int,
    args: argparse.Namespace,
    amqp_url: str,
    jwks_url: str,
    minter: TokenMinter,
    tmp: Path,
) -> list[dict[str, Any]]:
    service, service_url = start_service(DATABASE, amqp_url, jwks_url, tmp, f"service-{size}")
    gateway_port = free_port()
    gateway = Process(
        "api-gateway",
        [sys.executable, "-m", "api_gateway", "serve"],
        {
            "ENV": "dev",
            "PORT": str(gateway_port),
            "ANALYTICS_SERVICE_URL": service_url,
            "JWKS_URL": jwks_url,
            "RATE_LIMIT_ENABLED": "false",
            "ACCESS_LOG": "false",
            "LOG_LEVEL": "WARNING",
        },
        tmp / f"gateway-{size}.log",
    )
    found = []
    try:
        gateway.wait_ready(f"http://127.0.0.1:{gateway_port}/health")
        base = f"http://127.0.0.1:{gateway_port}"
        since = (datetime.now(UTC) - timedelta(days=90)).strftime("%Y-%m-%dT%H:00:00Z")
        routes = {
            "summary (30 days)": "/api/analytics/summary",
            "sales trend (90 days, daily)": f"/api/analytics/sales?interval=day&from={since}",
            "top 10 products": "/api/analytics/top-products?limit=10&by=revenue",
        }
        token = minter.token(role="admin")
        for name, path in routes.items():
            answer = httpx.get(
                base + path, headers={"Authorization": f"Bearer {token}"}, timeout=30
            )
            answer.raise_for_status()
            wrk(base + path, token, args.connections, args.warmup)
            cpu = service.cpu_seconds()
            result = wrk(base + path, token, args.connections, args.duration)
            cpu_ms = 1000 * (service.cpu_seconds() - cpu) / max(1, result["requests"])
            found.append(
                {
                    "events": size,
                    "route": name,
                    **result,
                    "service_cpu_ms_per_request": round(cpu_ms, 3),
                }
            )
            print(
                f"   {name:<30} {result['rps']:>7.0f} req/s  p50 {result['p50_ms']:6.1f} ms  "
                f"p99 {result['p99_ms']:6.1f} ms  service CPU {cpu_ms:5.2f} ms/req  "
                f"errors {result['errors']}",
                flush=True,
            )
            if name.startswith("summary"):
                print(f"   (summary: {answer.json()})", flush=True)
    finally:
        gateway.stop()
        service.stop()
    return found


async def publish_backlog(amqp_url: str, count: int) -> None:
    connection = await aio_pika.connect(amqp_url)
    async with connection:
        channel = await connection.channel(publisher_confirms=True)
        await declare_exchanges(channel)
        main, dead = service_queues("analytics", handlers.routing_keys)
        await declare_queue(channel, dead)
        queue = await declare_queue(channel, main)
        await queue.purge()
        exchange = await channel.get_exchange(EXCHANGE)
        stream = shop_events(seed=99, now=datetime.now(UTC))
        with Progress() as progress:
            task = progress.add_task("publishing the backlog", total=count)
            left = count
            while left:
                batch = [next(stream) for _ in range(min(1_000, left))]
                await asyncio.gather(
                    *(
                        exchange.publish(
                            aio_pika.Message(
                                e.model_dump_json().encode(),
                                message_id=str(e.id),
                                content_type="application/json",
                                delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
                            ),
                            routing_key=e.type,
                        )
                        for e in batch
                    )
                )
                left -= len(batch)
                progress.advance(task, len(batch))


async def stored_events(database: str) -> int:
    conn = await asyncpg.connect(settings(database).database_dsn)
    try:
        count: int = await conn.fetchval("SELECT count(*) FROM events")
        return count
    finally:
        await conn.close()


def measure_ingestion(count: int, amqp_url: str, jwks_url: str, tmp: Path) -> dict[str, Any]:
    asyncio.run(prepare_database(settings(INGEST_DATABASE), ROOT / "analytics-service"))
    asyncio.run(publish_backlog(amqp_url, count))
    started = time.monotonic()
    service, _ = start_service(INGEST_DATABASE, amqp_url, jwks_url, tmp, "ingest")
    ready = time.monotonic()
    try:
        with Progress() as progress:
            task = progress.add_task("draining the backlog", total=count)
            while (done := asyncio.run(stored_events(INGEST_DATABASE))) < count:
                progress.update(task, completed=done)
                if time.monotonic() - ready > 1_800:
                    raise RuntimeError(f"only {done} of {count} events after 30 minutes")
                time.sleep(0.5)
        drained = time.monotonic()
        cpu = service.cpu_seconds()
    finally:
        service.stop()
    seconds = drained - ready
    return {
        "events": count,
        "seconds": round(seconds, 1),
        "events_per_second": round(count / seconds),
        "seconds_from_process_start": round(drained - started, 1),
        "service_cpu_ms_per_event": round(1000 * cpu / count, 3),
    }


def print_reads(reads: list[dict[str, Any]]) -> None:
    smallest = min(r["events"] for r in reads)
    base = {r["route"]: r["p99_ms"] for r in reads if r["events"] == smallest}
    print(
        "\n| route | events | req/s | p50 ms | p99 ms | p99 vs smallest | service CPU ms/req "
        "| errors |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for r in reads:
        print(
            f"| {r['route']} | {r['events']:,} | {r['rps']:,.0f} | {r['p50_ms']:.1f} | "
            f"{r['p99_ms']:.1f} | {r['p99_ms'] / base[r['route']]:.2f}x | "
            f"{r['service_cpu_ms_per_request']:.2f} | {r['errors']} |"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--backlog", type=int, default=100_000)
    parser.add_argument("--skip-ingestion", action="store_true")
    parser.add_argument(
        "--ingestion-only", action="store_true", help="only drain a backlog (no reads)"
    )
    parser.add_argument(
        "--reads-only",
        action="store_true",
        help="measure the reads again on the events a previous run left (no loading, no ingestion)",
    )
    args = parser.parse_args()
    about = machine()
    about["load_average_at_start"] = os.getloadavg()
    print(f"machine: {about}", flush=True)
    amqp_url = rabbitmq_vhost()
    minter = TokenMinter()
    reads: list[dict[str, Any]] = []
    loads: list[dict[str, Any]] = []
    ingestion: dict[str, Any] | None = None
    with tempfile.TemporaryDirectory(prefix="analytics-bench-") as tmp_name:
        tmp = Path(tmp_name)
        server, jwks_url = jwks_server(minter, tmp)
        try:
            if args.reads_only:
                size = asyncio.run(stored_events(DATABASE))
                print(f"\n== {size:,} stored events (left by a previous run)", flush=True)
                reads.extend(measure_reads(size, args, amqp_url, jwks_url, minter, tmp))
            elif not args.ingestion_only:
                asyncio.run(prepare_database(settings(DATABASE), ROOT / "analytics-service"))
            stream = shop_events(seed=7, now=datetime.now(UTC))
            stored = 0
            skip_sizes = args.reads_only or args.ingestion_only
            sizes = [] if skip_sizes else sorted(int(s) for s in args.sizes.split(","))
            for size in sizes:
                print(f"\n== {size:,} stored events", flush=True)
                began = time.monotonic()
                asyncio.run(store(DATABASE, stream, size - stored, f"{size - stored:,} events"))
                stored = size
                loads.append(
                    {
                        "events": size,
                        "seconds": round(time.monotonic() - began, 1),
                        "load_average": os.getloadavg(),
                    }
                )
                print(f"   stored and rebuilt in {loads[-1]['seconds']}s", flush=True)
                reads.extend(measure_reads(size, args, amqp_url, jwks_url, minter, tmp))
            if not (args.skip_ingestion or args.reads_only):
                print(f"\n== ingestion of a {args.backlog:,}-event backlog", flush=True)
                ingestion = measure_ingestion(args.backlog, amqp_url, jwks_url, tmp)
                print(f"   {ingestion}", flush=True)
        finally:
            server.shutdown()
    about["load_average_at_end"] = os.getloadavg()
    if reads:
        print_reads(reads)
    print(
        f"load average at start {about['load_average_at_start']}, "
        f"at end {about['load_average_at_end']}"
    )
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"analytics-{datetime.now(UTC).strftime('%Y%m%dT%H%M%SZ')}.json"
    out.write_text(
        json.dumps(
            {
                "machine": about,
                "settings": vars(args),
                "loads": loads,
                "reads": reads,
                "ingestion": ingestion,
            },
            indent=2,
            default=str,
        )
    )
    print(f"\nwritten to {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
