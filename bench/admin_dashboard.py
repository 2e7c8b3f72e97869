"""The admin dashboard with 100k stored analytics events: its server render and its time to a
drawn chart in Chromium.

    uv run python bench/admin_dashboard.py [--events 100000] [--renders 20] [--loads 10]

The events (bench/analytics_events.py, fixed seed, the last 120 days) are stored in the database
shop_analytics_dashboard_bench<SHOP_TEST_DB_SUFFIX> through the consumer's own insert and the
roll-ups rebuilt (bench/analytics.py's `store`). The analytics service, the API gateway and the
production build of the frontend are started; the page is asked for with an admin's token in its
cookie (a test key served on loopback as the JWKS).

Measured, in the same run: the four analytics calls the dashboard makes, in parallel, straight
to the gateway (what the page cannot be faster than); the whole server-rendered page
(`/admin?range=30d` and `?range=7d`, every streamed part included) over HTTP; and in Chromium the
time from navigation start until the sales chart's line is drawn. Prints a table and writes
bench/results/admin-dashboard-<time>.json. Needs PostgreSQL, RabbitMQ, Redis, Chromium.
"""

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from analytics import jwks_server, rabbitmq_vhost, settings, start_service, store
from analytics_events import shop_events
from harness import RESULTS, ROOT, Process, machine
from playwright.sync_api import sync_playwright
from service_kit.testing import TokenMinter, free_port, prepare_database

sys.path.insert(0, str(ROOT / "tools"))
from frontend import Frontend, ensure_built

DATABASE = "shop_analytics_dashboard_bench" + os.environ.get("SHOP_TEST_DB_SUFFIX", "")
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


def stats(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "n": len(ordered),
        "median_ms": round(statistics.median(ordered), 1),
        "p90_ms": round(ordered[max(0, int(len(ordered) * 0.9) - 1)], 1),
        "min_ms": round(ordered[0], 1),
    }


def api_calls(gateway: str, token: str) -> list[str]:
    now = datetime.now(UTC)
    today = now.replace(hour=0, minute=0, second=0, microsecond=0)
    since = (today - timedelta(days=29)).strftime("%Y-%m-%dT%H:%M:%SZ")
    until = (today + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    return [
        f"{gateway}/api/analytics/summary?from={since}&to={until}",
        f"{gateway}/api/analytics/sales?from={since}&to={until}&interval=day",
        f"{gateway}/api/analytics/top-products?limit=8&by=revenue",
        f"{gateway}/api/analytics/abandoned-carts?idle_minutes=60&limit=20",
    ]


def time_api(gateway: str, token: str, rounds: int) -> list[float]:
    headers = {"Authorization": f"Bearer {token}"}
    urls = api_calls(gateway, token)
    samples = []
    with httpx.Client(headers=headers, timeout=30) as client, ThreadPoolExecutor(4) as pool:
        for _ in range(rounds):
            began = time.perf_counter()
            for answer in pool.map(client.get, urls):
                answer.raise_for_status()
            samples.append(1000 * (time.perf_counter() - began))
    return samples


def time_page(url: str, token: str, rounds: int) -> list[float]:
    samples = []
    with httpx.Client(cookies={"shop_at": token}, timeout=60) as client:
        for _ in range(rounds):
            began = time.perf_counter()
            answer = client.get(url)
            answer.raise_for_status()
            assert 'data-testid="kpi-revenue"' in answer.text, "the dashboard did not render"
            samples.append(1000 * (time.perf_counter() - began))
    return samples


def time_chart(base: str, token: str, rounds: int) -> list[float]:
    samples = []
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            context = browser.new_context(base_url=base, viewport={"width": 1280, "height": 900})
            host = base.split("://")[1].split(":")[0]
            context.add_cookies([{"name": "shop_at", "value": token, "domain": host, "path": "/"}])
            for _ in range(rounds):
                page = context.new_page()
                page.goto("/admin?range=30d", wait_until="commit")
                page.locator("[data-testid=sales-chart] .recharts-line-curve").wait_for(
                    timeout=60_000
                )
                samples.append(float(page.evaluate("performance.now()")))
                page.close()
        finally:
            browser.close()
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--renders", type=int, default=20)
    parser.add_argument("--loads", type=int, default=10)
    args = parser.parse_args()
    about = machine()
    about["load_average_at_start"] = os.getloadavg()
    print(f"machine: {about}", flush=True)
    amqp_url = rabbitmq_vhost()
    minter = TokenMinter()
    token = minter.token(role="admin")
    results: dict[str, Any] = {}
    ensure_built()
    with tempfile.TemporaryDirectory(prefix="dashboard-bench-") as tmp_name:
        tmp = Path(tmp_name)
        server, jwks_url = jwks_server(minter, tmp)
        service = gateway = None
        frontend = None
        try:
            asyncio.run(prepare_database(settings(DATABASE), ROOT / "analytics-service"))
            stream = shop_events(seed=7, now=datetime.now(UTC))
            asyncio.run(store(DATABASE, stream, args.events, f"{args.events:,} events"))
            service, service_url = start_service(DATABASE, amqp_url, jwks_url, tmp, "service")
            port = free_port()
            gateway = Process(
                "api-gateway",
                [sys.executable, "-m", "api_gateway", "serve"],
                {
                    "ENV": "dev",
                    "PORT": str(port),
                    "ANALYTICS_SERVICE_URL": service_url,
                    # Nobody there: the page's "who am I" call fails fast and is left out.
                    "AUTH_SERVICE_URL": f"http://127.0.0.1:{free_port()}",
                    "JWKS_URL": jwks_url,
                    "RATE_LIMIT_ENABLED": "false",
                    "ACCESS_LOG": "false",
                    "LOG_LEVEL": "WARNING",
                },
                tmp / "gateway.log",
            )
            gateway_url = f"http://127.0.0.1:{port}"
            gateway.wait_ready(f"{gateway_url}/health")
            frontend = Frontend(
                gateway=gateway_url, port=free_port(), log_path=tmp / "frontend.log"
            )
            frontend.start()
            # Warm both sides once (first compiles, connection pools).
            time_api(gateway_url, token, 3)
            time_page(f"{frontend.url}/admin?range=30d", token, 3)
            results["api_4_calls_parallel"] = stats(time_api(gateway_url, token, args.renders))
            results["page_30d"] = stats(
                time_page(f"{frontend.url}/admin?range=30d", token, args.renders)
            )
            results["page_7d"] = stats(
                time_page(f"{frontend.url}/admin?range=7d", token, args.renders)
            )
            results["chart_drawn_30d"] = stats(time_chart(frontend.url, token, args.loads))
        finally:
            if frontend:
                frontend.stop()
            if gateway:
                gateway.stop()
            if service:
                service.stop()
            server.shutdown()
    about["load_average_at_end"] = os.getloadavg()
    print(f"\nload average at end: {about['load_average_at_end']}")
    print("\n| measured | n | median ms | p90 ms | min ms |")
    print("|---|---:|---:|---:|---:|")
    for name, s in results.items():
        print(f"| {name} | {s['n']} | {s['median_ms']} | {s['p90_ms']} | {s['min_ms']} |")
    ratio = results["page_30d"]["median_ms"] / results["api_4_calls_parallel"]["median_ms"]
    print(f"\npage render / its four API calls (median): {ratio:.2f}x")
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"admin-dashboard-{datetime.now(UTC):%Y%m%dT%H%M%S}.json"
    out.write_text(
        json.dumps({"machine": about, "events": args.events, "results": results}, indent=2)
    )
    print(f"wrote {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
