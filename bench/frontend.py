"""The storefront's production build: Lighthouse scores, JavaScript weight, server-rendered search.

    uv run python bench/frontend.py [--duration 15] [--runs 3] [--skip-lighthouse] [--workers N]

Starts the real fleet (tools/fleet.py, databases suffixed `_bench_frontend`) with the demo
catalog, builds the storefront when stale (tools/frontend.py) and serves it on a free port, then:

- Lighthouse 12.2.3 (`npx lighthouse@12.2.3`, Debian's Chromium through CHROME_PATH, the default
  mobile profile: emulated Moto G Power, slow 4G, 4x CPU slowdown) on the home page, a search
  results page and a product page, `--runs` times each; the median of each category is kept.
  Targets: performance >= 90, accessibility >= 95, best practices >= 95.
- The JavaScript a product page sends, gzipped, from Lighthouse's network records of that page
  (transfer sizes of every script). Target: < 150 kB.
- The server-rendered search page under load: wrk with 16 connections for `--duration` seconds
  on /products?q=... rotating through shopper searches (with typos and filters), after a
  warm-up. Target: p99 < 200 ms. The storefront's (all its worker processes) and the
  gateway + product service's CPU time per request are measured in the same run.
- The same load on the sign-in page, which is rendered per request too but calls no service:
  the floor that the framework and the machine set at that moment. The search page is
  reported against it (CPU per page, pages/s), figures that the machine's drift moves less.

Writes bench/results/frontend-<time>.json and prints a table. Needs wrk and /usr/bin/chromium.
"""

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))

from harness import RESULTS, machine, tree_cpu_seconds
from service_kit.testing import free_port

from fleet import Fleet
from frontend import Frontend, ensure_built

LIGHTHOUSE = "lighthouse@12.2.3"
CHROMIUM = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
SEARCHES = [
    {"q": "headphones"},
    {"q": "wireles mouse"},
    {"q": "lamp", "in_stock": "1"},
    {"q": "coffe"},
    {"q": "desk", "sort": "price_asc"},
    {"q": "bag", "min": "20", "max": "80"},
    {"category": "kitchen"},
    {"q": "keybord"},
]
# A page rendered per request that calls no service (see floor_load).
FLOOR_PAGE = "/login"
TARGETS = {"performance": 90, "accessibility": 95, "best-practices": 95}


def lighthouse(url: str, out: Path) -> dict[str, Any]:
    subprocess.run(
        [
            "npx",
            "--yes",
            LIGHTHOUSE,
            url,
            "--quiet",
            "--output=json",
            f"--output-path={out}",
            "--only-categories=performance,accessibility,best-practices",
            "--chrome-flags=--headless=new --no-sandbox --disable-gpu --no-first-run "
            "--disable-background-networking --disable-component-update",
        ],
        env={**os.environ, "CHROME_PATH": CHROMIUM},
        check=True,
        capture_output=True,
        timeout=300,
    )
    report: dict[str, Any] = json.loads(out.read_text())
    return report


def scores(report: dict[str, Any]) -> dict[str, float]:
    return {k: round(v["score"] * 100) for k, v in report["categories"].items()}


def script_bytes(report: dict[str, Any]) -> int:
    """Transfer (gzipped) bytes of every script the page loaded."""
    items = report["audits"]["network-requests"]["details"]["items"]
    return sum(int(i.get("transferSize") or 0) for i in items if i.get("resourceType") == "Script")


def rotating_script(paths: list[str], tmp: Path) -> Path:
    listed = ",\n".join(json.dumps(p) for p in paths)
    script = tmp / "search.lua"
    script.write_text(
        f"local paths = {{\n{listed}\n}}\nlocal i = 0\n"
        "function request()\n  i = i % #paths + 1\n  return wrk.format('GET', paths[i])\nend\n"
    )
    return script


def search_load(base: str, seconds: int, tmp: Path, pids: dict[str, int]) -> dict[str, Any]:
    paths = [f"/products?{urlencode(s)}" for s in SEARCHES]
    for path in paths:  # every page answers, and the search finds something
        resp = httpx.get(base + path, timeout=30)
        resp.raise_for_status()
        assert 'data-testid="product-card"' in resp.text or "No products match" in resp.text
    return page_load(base, paths, seconds, tmp, pids)


def floor_load(base: str, seconds: int, tmp: Path, pids: dict[str, int]) -> dict[str, Any]:
    """The same load on the sign-in page: rendered per request like the search page (the shop's
    layout reads the cookies) but with no call to the gateway and little to render. What the
    framework and this machine cost a page at this moment, for the search page to be read
    against."""
    resp = httpx.get(base + FLOOR_PAGE, timeout=30)
    resp.raise_for_status()
    assert "<form" in resp.text
    return page_load(base, [FLOOR_PAGE], seconds, tmp, pids)


def page_load(
    base: str, paths: list[str], seconds: int, tmp: Path, pids: dict[str, int]
) -> dict[str, Any]:
    """wrk at 16 connections on the paths in turn, after a warm-up; the CPU time each process
    (with its children) spent per request over the run."""
    script = rotating_script(paths, tmp)
    run = ["wrk", "-t2", "-c16", "--timeout", "10s", "--latency", "-s", str(script), base]
    subprocess.run([*run[:3], "-d3s", *run[3:]], capture_output=True, check=True)  # warm-up
    before = {name: tree_cpu_seconds(pid) for name, pid in pids.items()}
    result = wrk_script(run, seconds)
    after = {name: tree_cpu_seconds(pid) for name, pid in pids.items()}
    result["cpu_ms_per_request"] = {
        name: round((after[name] - before[name]) * 1000 / max(result["requests"], 1), 2)
        for name in pids
    }
    return result


def wrk_script(run: list[str], seconds: int) -> dict[str, Any]:
    out = subprocess.run(
        [*run[:3], f"-d{seconds}s", *run[3:]], capture_output=True, text=True, check=True
    ).stdout
    return _parse(out)


def _parse(out: str) -> dict[str, Any]:
    units = {"us": 0.001, "ms": 1.0, "s": 1000.0}

    def ms(value: str) -> float:
        number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", value).groups()  # type: ignore[union-attr]
        return float(number) * units[unit]

    latency = dict(re.findall(r"^\s+(50|90|99)%\s+(\S+)\s*$", out, re.MULTILINE))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),  # type: ignore[union-attr]
        "requests": int(re.search(r"(\d+) requests in", out).group(1)),  # type: ignore[union-attr]
        "p50_ms": ms(latency["50"]),
        "p90_ms": ms(latency["90"]),
        "p99_ms": ms(latency["99"]),
        "errors": int(non_2xx.group(1)) if non_2xx else 0,
    }


def first_product(gateway: str, timeout: float = 60) -> str:
    """A product of the demo catalog (once the catalog answers)."""
    deadline = time.monotonic() + timeout
    while True:
        resp = httpx.get(f"{gateway}/api/products", params={"limit": 1}, timeout=10)
        if resp.status_code == 200 and resp.json()["items"]:
            return str(resp.json()["items"][0]["id"])
        if time.monotonic() > deadline:
            raise RuntimeError(f"the catalog does not answer: {resp.status_code} {resp.text[:300]}")
        time.sleep(0.5)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=15)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--skip-lighthouse", action="store_true")
    parser.add_argument(
        "--workers", type=int, default=None, help="STOREFRONT_WORKERS (default: one per core)"
    )
    args = parser.parse_args()

    started = datetime.now(UTC)
    load_before = os.getloadavg()
    fleet = Fleet(
        db_suffix="_bench_frontend", env={"RATE_LIMIT_ENABLED": "false", "LOG_LEVEL": "WARNING"}
    )
    frontend: Frontend | None = None
    results: dict[str, Any] = {
        "started": started.isoformat(),
        "machine": machine(),
        "storefront_workers": args.workers or os.cpu_count(),
    }
    try:
        print("fleet: preparing databases, seeding the demo catalog…", file=sys.stderr)
        fleet.prepare()
        fleet.manage("product", "seed")
        fleet.start_all(timeout=240)
        ensure_built()
        frontend = Frontend(gateway=fleet.gateway, port=free_port(), workers=args.workers)
        frontend.start()
        base = frontend.url
        product = f"/products/{first_product(fleet.gateway)}"
        pages = {"home": "/", "search": "/products?q=wireles+mouse", "product": product}
        with tempfile.TemporaryDirectory() as tmp_name:
            tmp = Path(tmp_name)
            if not args.skip_lighthouse:
                lh: dict[str, Any] = {}
                for name, path in pages.items():
                    runs = []
                    for i in range(args.runs):
                        print(f"lighthouse: {name} run {i + 1}/{args.runs}…", file=sys.stderr)
                        found = lighthouse(base + path, tmp / f"{name}-{i}.json")
                        runs.append({**scores(found), "script_bytes": script_bytes(found)})
                    lh[name] = {
                        "runs": runs,
                        "median": {key: statistics.median(r[key] for r in runs) for key in runs[0]},
                    }
                results["lighthouse"] = lh
            assert frontend.proc is not None
            gateway_pids = {
                "storefront": frontend.proc.pid,
                "gateway": fleet.procs["api-gateway"].pid,
                "product": fleet.procs["product-service"].pid,
            }
            print(f"wrk: search pages, 16 connections, {args.duration} s…", file=sys.stderr)
            results["search_ssr"] = search_load(base, args.duration, tmp, gateway_pids)
            print(f"wrk: the sign-in page, 16 connections, {args.duration} s…", file=sys.stderr)
            results["floor_ssr"] = floor_load(base, args.duration, tmp, gateway_pids)
    finally:
        if frontend is not None:
            frontend.stop()
        fleet.stop_all()
    results["load_average"] = {"before": load_before, "after": os.getloadavg()}
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"frontend-{started:%Y%m%dT%H%M%S}.json"
    out.write_text(json.dumps(results, indent=2))
    report(results)
    print(f"\nwritten to {out.relative_to(RESULTS.parents[1])}", file=sys.stderr)
    return 0


def report(results: dict[str, Any]) -> None:
    if "lighthouse" in results:
        print(f"{'page':<10}{'perf':>6}{'a11y':>6}{'best':>6}{'JS kB gz':>10}")
        for name, data in results["lighthouse"].items():
            m = data["median"]
            print(
                f"{name:<10}{m['performance']:>6.0f}{m['accessibility']:>6.0f}"
                f"{m['best-practices']:>6.0f}{m['script_bytes'] / 1024:>10.1f}"
            )
    for name, key in (("search", "search_ssr"), ("sign-in", "floor_ssr")):
        s = results[key]
        print(
            f"{name} SSR @16: {s['rps']:.0f} req/s, p50 {s['p50_ms']:.0f} ms, "
            f"p99 {s['p99_ms']:.0f} ms, errors {s['errors']}, CPU ms/req {s['cpu_ms_per_request']}"
        )
    search, floor = results["search_ssr"], results["floor_ssr"]
    cpu = search["cpu_ms_per_request"]["storefront"] / floor["cpu_ms_per_request"]["storefront"]
    print(
        f"search page against the sign-in page: storefront CPU {cpu:.2f}x, "
        f"pages/s {search['rps'] / floor['rps']:.2f}x"
    )
    print(f"load average before/after: {results['load_average']}")


if __name__ == "__main__":
    raise SystemExit(main())
