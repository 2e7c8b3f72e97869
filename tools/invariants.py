"""Checks every invariant of the checkout saga (EVENTS.md) across the services' databases.

    uv run python tools/invariants.py            # the platform of `make run`
    uv run python tools/invariants.py --suffix _systest

1. every order ends PAID/SHIPPED or CANCELLED (in-flight orders get `--settle` seconds);
2. stock is never negative (inventory, and the product and cart read models);
3. for every product: initial stock + admin changes - Σ quantities of orders that stayed paid
   = stock, and the ledger adds up to the stock;
4. exactly one successful charge per paid order, none kept for a cancelled one;
5. a refunded order is CANCELLED;
6. no event lost: every outbox row published, every consumer's queue drained.
Exit status 1 when any invariant is violated.
"""

import argparse
import asyncio
import os
import shutil
import subprocess
import sys
import time
import urllib.parse
from dataclasses import dataclass, field
from typing import Any

import aio_pika
import asyncpg

ADMIN_URL = os.environ.get("POSTGRES_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
SAGA_SERVICES = ("order", "payment", "inventory", "product", "cart")
QUIET_SECONDS = 1.0


@dataclass
class Report:
    violations: list[str] = field(default_factory=list)
    facts: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.violations

    def render(self) -> str:
        lines = [f"{k}: {v}" for k, v in self.facts.items()]
        lines += [f"VIOLATION: {v}" for v in self.violations] or ["all invariants hold"]
        return "\n".join(lines)


def _db_url(service: str, suffix: str) -> str:
    return ADMIN_URL.rsplit("/", 1)[0] + f"/shop_{service}{suffix}"


async def _connect(service: str, suffix: str) -> asyncpg.Connection | None:
    try:
        return await asyncpg.connect(_db_url(service, suffix))
    except asyncpg.InvalidCatalogNameError:
        return None


async def _wait_settled(dbs: dict[str, asyncpg.Connection], amqp_url: str, settle: float) -> None:
    """Wait until no order is pending, no outbox row unsent, no consumer queue holds work, and
    nothing moved for QUIET_SECONDS: a queue's ready count misses a message a consumer holds
    (being handled, or waiting to be retried), so the services' inbox and outbox must also have
    stopped changing, and where `rabbitmqctl` is at hand no message may be unacknowledged."""
    deadline = time.monotonic() + settle
    quiet_since, last = time.monotonic(), None
    while time.monotonic() < deadline:
        busy = await dbs["order"].fetchval("SELECT count(*) FROM orders WHERE status = 'PENDING'")
        progress = []
        for conn in dbs.values():
            busy += await conn.fetchval("SELECT count(*) FROM outbox WHERE published_at IS NULL")
            progress.append(await conn.fetchval("SELECT count(*) FROM inbox"))
            progress.append(await conn.fetchval("SELECT count(*) FROM outbox"))
        busy += sum((await _queue_depths(amqp_url, list(dbs))).values())
        now = time.monotonic()
        if busy or progress != last:
            quiet_since, last = now, progress
        elif now - quiet_since >= QUIET_SECONDS and not await asyncio.to_thread(
            _unacknowledged, amqp_url, list(dbs)
        ):
            return
        await asyncio.sleep(0.25)


def _unacknowledged(amqp_url: str, services: list[str]) -> int:
    """Messages the consumers hold unacknowledged, by `rabbitmqctl` (0 where it is absent)."""
    if not shutil.which("rabbitmqctl"):
        return 0
    vhost = urllib.parse.unquote(urllib.parse.urlsplit(amqp_url).path.lstrip("/")) or "/"
    listing = subprocess.run(
        ["rabbitmqctl", "-q", "list_queues", "-p", vhost, "name", "messages_unacknowledged"],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    wanted = {f"{service}.events" for service in services}
    held = 0
    for line in listing.stdout.splitlines():
        name, _, count = line.partition("\t")
        if name in wanted and count.strip().isdigit():
            held += int(count)
    return held


async def _queue_depths(amqp_url: str, services: list[str]) -> dict[str, int]:
    depths: dict[str, int] = {}
    connection = await aio_pika.connect(amqp_url)
    try:
        for service in services:
            channel = await connection.channel()
            try:
                queue = await channel.declare_queue(f"{service}.events", passive=True)
                depths[service] = int(queue.declaration_result.message_count or 0)
            except aio_pika.exceptions.ChannelClosed:
                pass
            finally:
                if not channel.is_closed:
                    await channel.close()
    finally:
        await connection.close()
    return depths


async def check_invariants(
    suffix: str = "", settle_seconds: float = 30.0, amqp_url: str | None = None
) -> Report:
    amqp_url = amqp_url or os.environ.get("AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/")
    report = Report()
    dbs: dict[str, asyncpg.Connection] = {}
    try:
        for service in SAGA_SERVICES:
            conn = await _connect(service, suffix)
            if conn is not None:
                dbs[service] = conn
        missing = {"order", "payment", "inventory"} - set(dbs)
        if missing:
            report.violations.append(f"databases missing: {sorted(missing)}")
            return report
        await _wait_settled(dbs, amqp_url, settle_seconds)
        await _check(dbs, report)
        depths = await _queue_depths(amqp_url, list(dbs))
        report.facts["queue_depths"] = depths
        for service, depth in depths.items():
            if depth:
                report.violations.append(f"{service}.events still holds {depth} message(s)")
        return report
    finally:
        for conn in dbs.values():
            await conn.close()


async def _check(dbs: dict[str, asyncpg.Connection], report: Report) -> None:
    order, payment, inventory = dbs["order"], dbs["payment"], dbs["inventory"]
    statuses = dict(await order.fetch("SELECT status, count(*) FROM orders GROUP BY status"))
    report.facts["orders"] = statuses
    # 1. terminal
    if statuses.get("PENDING"):
        report.violations.append(f"{statuses['PENDING']} order(s) still PENDING")

    # 2. never negative
    negative = await inventory.fetchval("SELECT count(*) FROM stock_items WHERE stock < 0")
    if negative:
        report.violations.append(f"{negative} inventory record(s) with negative stock")
    for service, table in (("product", "products"), ("cart", "products")):
        conn = dbs.get(service)
        if conn is not None and await _has_column(conn, table, "stock"):
            count = await conn.fetchval(f"SELECT count(*) FROM {table} WHERE stock < 0")  # noqa: S608
            if count:
                report.violations.append(f"{service} read model: {count} negative stock")

    # 3. stock equation
    paid_orders = await order.fetch(
        "SELECT i.product_id, sum(i.quantity)::bigint AS sold FROM order_items i "
        "JOIN orders o ON o.id = i.order_id WHERE o.status IN ('PAID', 'SHIPPED') "
        "GROUP BY i.product_id"
    )
    sold = {r["product_id"]: r["sold"] for r in paid_orders}
    rows = await inventory.fetch(
        "SELECT s.product_id, s.stock, "
        "coalesce(sum(m.delta) FILTER (WHERE m.reason NOT IN ('order', 'order_return')), 0)"
        "::bigint AS supplied, "
        "coalesce(sum(m.delta), 0)::bigint AS ledger "
        "FROM stock_items s LEFT JOIN stock_movements m ON m.product_id = s.product_id "
        "GROUP BY s.product_id, s.stock"
    )
    report.facts["products_checked"] = len(rows)
    for r in rows:
        expected = r["supplied"] - sold.get(r["product_id"], 0)
        if expected != r["stock"]:
            report.violations.append(
                f"product {r['product_id']}: initial+admin {r['supplied']} - sold "
                f"{sold.get(r['product_id'], 0)} = {expected}, but stock is {r['stock']}"
            )
        if r["ledger"] != r["stock"]:
            report.violations.append(
                f"product {r['product_id']}: ledger sums to {r['ledger']}, stock is {r['stock']}"
            )

    # 4 and 5. charges and refunds
    charges = {
        r["order_id"]: r["status"]
        for r in await payment.fetch("SELECT order_id, status FROM payments")
    }
    duplicates = await payment.fetchval(
        "SELECT count(*) FROM (SELECT order_id FROM payments "
        "WHERE status IN ('APPROVED', 'REFUNDED') GROUP BY order_id HAVING count(*) > 1) d"
    )
    if duplicates:
        report.violations.append(f"{duplicates} order(s) charged more than once")
    orders = await order.fetch("SELECT id, status FROM orders")
    for o in orders:
        charge = charges.get(o["id"])
        if o["status"] in ("PAID", "SHIPPED") and charge != "APPROVED":
            report.violations.append(f"order {o['id']} is {o['status']} but its charge is {charge}")
        if o["status"] == "CANCELLED" and charge == "APPROVED":
            report.violations.append(f"order {o['id']} is CANCELLED but its charge was kept")
        if charge == "REFUNDED" and o["status"] != "CANCELLED":
            report.violations.append(f"order {o['id']} was refunded but is {o['status']}")
    report.facts["charges"] = {
        s: sum(1 for v in charges.values() if v == s) for s in set(charges.values())
    }

    # 6. nothing left unpublished
    for service, conn in dbs.items():
        unsent = await conn.fetchval("SELECT count(*) FROM outbox WHERE published_at IS NULL")
        if unsent:
            report.violations.append(f"{service}: {unsent} outbox event(s) never published")


async def _has_column(conn: asyncpg.Connection, table: str, column: str) -> bool:
    return bool(
        await conn.fetchval(
            "SELECT 1 FROM information_schema.columns WHERE table_name = $1 AND column_name = $2",
            table,
            column,
        )
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--suffix", default="", help="database name suffix, e.g. _systest")
    parser.add_argument("--settle", type=float, default=30.0, help="seconds to let flows finish")
    args = parser.parse_args()
    report = asyncio.run(check_invariants(args.suffix, args.settle))
    print(report.render())
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
