"""`python -m analytics_service rebuild`: every derived table computed again from the stored
events, in one transaction, with a progress bar.

The events are read (in any order) and folded in memory with the consumer's own rules
(facts.merge for orders, the latest (time, id) for carts, the highest (rank, time, id) for
product names), every order's contribution is summed (facts.contribution), and the tables are
emptied and written again. New events wait until the rebuild commits
(repository.rebuild.hold_events), then apply on top of the rebuilt tables as usual; the
dashboard keeps reading the old figures meanwhile.
"""

import asyncio
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import asyncpg
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from service_kit.config import ServiceSettings
from service_kit.pg import create_pool
from shop_contracts import EVENT_TYPES
from shop_contracts.events import CartUpdated, OrderCreated, ProductCreated, ProductUpdated

from analytics_service import facts
from analytics_service.repository import rebuild as repository
from analytics_service.repository.ingest import CATALOG_RANK

BATCH_SIZE = 5_000
ORDER_RANK = 0


@dataclass(slots=True)
class CartState:
    item_count: int = 0
    value_cents: int = 0
    updated_at: datetime | None = None
    event_id: uuid.UUID | None = None
    last_order_at: datetime | None = None


@dataclass(slots=True)
class Folded:
    """What the events add up to, as the live consumer leaves it."""

    orders: dict[uuid.UUID, facts.OrderFacts] = field(default_factory=dict)
    carts: dict[uuid.UUID, CartState] = field(default_factory=dict)
    # product → (rank, time, event id, name)
    names: dict[uuid.UUID, tuple[int, datetime, uuid.UUID, str]] = field(default_factory=dict)
    events: int = 0

    def add(self, event_id: uuid.UUID, event_type: str, at: datetime, data: Any) -> None:
        self.events += 1
        model = EVENT_TYPES.get(event_type)
        if model is None:
            return
        event = model.model_validate(data)
        if isinstance(event, facts.ORDER_EVENTS):
            order_id = facts.order_id_of(event)
            before = self.orders.get(order_id) or facts.OrderFacts(order_id)
            self.orders[order_id] = facts.merge(before, event, at)
            if isinstance(event, OrderCreated):
                cart = self.carts.setdefault(event.user_id, CartState())
                if cart.last_order_at is None or at > cart.last_order_at:
                    cart.last_order_at = at
                for line in event.items:
                    self._name(line.product_id, (ORDER_RANK, at, event_id, line.name))
        elif isinstance(event, CartUpdated):
            cart = self.carts.setdefault(event.user_id, CartState())
            if cart.updated_at is None or (at, event_id) > (cart.updated_at, cart.event_id):
                cart.item_count = sum(line.quantity for line in event.items)
                cart.value_cents = event.total_cents
                cart.updated_at, cart.event_id = at, event_id
        elif isinstance(event, ProductCreated | ProductUpdated):
            self._name(event.product_id, (CATALOG_RANK, at, event_id, event.name))

    def _name(self, product_id: uuid.UUID, candidate: tuple[int, datetime, uuid.UUID, str]) -> None:
        current = self.names.get(product_id)
        if current is None or candidate[:3] > current[:3]:
            self.names[product_id] = candidate


async def rebuild(
    conn: asyncpg.Connection,
    *,
    on_total: Callable[[int], None] = lambda _: None,
    on_progress: Callable[[int], None] = lambda _: None,
) -> Folded:
    """Recompute every derived table from the events, in one transaction on `conn`."""
    async with conn.transaction():
        on_total(await repository.hold_events(conn))
        folded = Folded()
        async for batch in repository.events(conn, BATCH_SIZE):
            for row in batch:
                folded.add(row["id"], row["type"], row["occurred_at"], row["data"])
            on_progress(len(batch))
        await repository.clear(conn)
        await write(conn, folded)
    return folded


async def write(conn: asyncpg.Connection, folded: Folded) -> None:
    rollup = facts.total(facts.contribution(f) for f in folded.orders.values())
    await repository.insert_order_facts(
        conn, [repository.order_fact_record(f) for f in folded.orders.values()]
    )
    await repository.copy(
        conn,
        "sales_hours",
        ("hour", *facts.Sales._fields),
        facts.rows(rollup, "sales"),
    )
    await repository.copy(
        conn, "customer_hours", ("hour", "user_id", "paid_orders"), facts.rows(rollup, "customer")
    )
    await repository.copy(
        conn,
        "product_sales",
        ("product_id", "units", "revenue_cents"),
        facts.rows(rollup, "product"),
    )
    await repository.copy(
        conn,
        "product_names",
        ("product_id", "source_rank", "named_at", "event_id", "name"),
        [(product_id, *name) for product_id, name in folded.names.items()],
    )
    await repository.copy(
        conn,
        "carts",
        ("user_id", "item_count", "value_cents", "updated_at", "event_id", "last_order_at"),
        [
            (user_id, c.item_count, c.value_cents, c.updated_at, c.event_id, c.last_order_at)
            for user_id, c in folded.carts.items()
        ],
    )


def command(settings: ServiceSettings) -> int:
    """The operator's command, with a progress bar over the events read."""
    with Progress(
        TextColumn("rebuilding roll-ups"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("events"),
        TimeRemainingColumn(),
    ) as progress:
        task = progress.add_task("events", total=None)

        async def run() -> Folded:
            pool = await create_pool(settings)
            try:
                async with pool.acquire() as conn:
                    return await rebuild(
                        conn,
                        on_total=lambda n: progress.update(task, total=n),
                        on_progress=lambda n: progress.advance(task, n),
                    )
            finally:
                await pool.close()

        folded = asyncio.run(run())
    print(
        f"{settings.service_name}: rebuilt from {folded.events} events "
        f"({len(folded.orders)} orders, {len(folded.carts)} carts)"
    )
    return 0
