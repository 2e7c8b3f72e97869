"""Use cases of the recommendation service.

Events keep the read model (each in the consumer's transaction; nothing here commits). Requests
look candidates up in the recommender's current model, check each against the read model
(deleted, out of stock), and, with a Gemini key, let Gemini re-rank them and write the reasons;
whenever Gemini gives no usable answer the local one is returned."""

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import islice
from typing import Literal

import asyncpg
from service_kit.pg import Tx

from recommendation_service import repository
from recommendation_service.descriptions import Brief, write_description
from recommendation_service.errors import ProductNotFound
from recommendation_service.gemini import Candidate, Gemini, Reranker, describe
from recommendation_service.recommender import Suggestion, category_label
from recommendation_service.recommender.refresher import Refresher
from recommendation_service.repository import ProductRow

Source = Literal["gemini", "local"]

# Candidates looked at per answer: the model's neighbours, then best sellers to fill up.
POPULAR_FILL = 50
# How many of the available candidates Gemini chooses from, at least.
GEMINI_CHOICES = 8


@dataclass(frozen=True)
class Recommender:
    """What the recommendation use cases work with (built in main.py)."""

    refresher: Refresher
    gemini: Gemini | None = None
    reranker: Reranker | None = None


@dataclass(frozen=True, slots=True)
class Pick:
    product: ProductRow
    score: float
    reason: str


@dataclass(frozen=True, slots=True)
class Answer:
    items: list[Pick]
    source: Source


# The read model (from events)


async def record_product(
    tx: Tx,
    product_id: uuid.UUID,
    *,
    name: str,
    description: str,
    category: str,
    price_cents: int,
    currency: str,
    image_url: str | None,
    as_of: datetime,
) -> None:
    await repository.upsert_catalog(
        tx.conn,
        product_id,
        name=name,
        description=description,
        category=category,
        price_cents=price_cents,
        currency=currency,
        image_url=image_url,
        as_of=as_of,
    )


async def record_stock(tx: Tx, product_id: uuid.UUID, stock: int, as_of: datetime) -> None:
    await repository.upsert_stock(tx.conn, product_id, stock=stock, as_of=as_of)


async def record_deletion(tx: Tx, product_id: uuid.UUID, as_of: datetime) -> None:
    await repository.mark_deleted(tx.conn, product_id, as_of=as_of)


async def record_order(
    tx: Tx,
    order_id: uuid.UUID,
    user_id: uuid.UUID,
    lines: Iterable[tuple[uuid.UUID, int]],
    placed_at: datetime,
) -> None:
    quantities: dict[uuid.UUID, int] = {}
    for product_id, quantity in lines:
        quantities[product_id] = quantities.get(product_id, 0) + quantity
    await repository.record_order(
        tx.conn, order_id, user_id, placed_at=placed_at, quantities=quantities
    )


async def record_payment(tx: Tx, order_id: uuid.UUID, user_id: uuid.UUID, at: datetime) -> None:
    await repository.mark_paid(tx.conn, order_id, user_id, paid_at=at)


async def record_cancellation(tx: Tx, order_id: uuid.UUID, user_id: uuid.UUID) -> None:
    await repository.mark_cancelled(tx.conn, order_id, user_id)


async def record_cart(
    tx: Tx, user_id: uuid.UUID, lines: Iterable[tuple[uuid.UUID, int]], as_of: datetime
) -> None:
    quantities: dict[uuid.UUID, int] = {}
    for product_id, quantity in lines:
        quantities[product_id] = quantities.get(product_id, 0) + quantity
    await repository.replace_cart(tx.conn, user_id, as_of=as_of, quantities=quantities)


# Recommendations


async def related(
    conn: asyncpg.Connection, recommender: Recommender, product_id: uuid.UUID, limit: int
) -> Answer:
    anchor = await repository.product(conn, product_id)
    if anchor is None or anchor.deleted:
        raise ProductNotFound()
    snapshot = recommender.refresher.snapshot
    suggestions = [
        *snapshot.related(product_id),
        *islice(snapshot.popular(exclude=(product_id,)), POPULAR_FILL),
    ]
    picks = await _available(conn, suggestions, exclude={product_id})
    context = (
        f"The shopper is looking at: {anchor.name} (category {anchor.category}). "
        f"{_short(anchor.description)}\nRecommend products to show beside it."
    )
    return await _answer(
        recommender, "related", picks, limit, context, key=(product_id, anchor.version)
    )


async def for_me(
    conn: asyncpg.Connection, recommender: Recommender, user_id: uuid.UUID, limit: int
) -> Answer:
    history = await repository.history(conn, user_id)
    weighted: dict[uuid.UUID, tuple[float, str]] = {}
    for product_id in history.ordered:
        weighted[product_id] = (0.8, ", which you ordered")
    for product_id in history.cart:
        weighted[product_id] = (1.0, " in your cart")
    for product_id in history.bought:
        weighted[product_id] = (1.0, ", which you bought")
    snapshot = recommender.refresher.snapshot
    seen = set(weighted)
    suggestions = [
        *snapshot.for_user(weighted, exclude=seen),
        *islice(snapshot.popular(exclude=seen), POPULAR_FILL),
    ]
    picks = await _available(conn, suggestions, exclude=seen)
    names = await repository.products(conn, list(weighted))
    context = (
        "Recommend products for a returning shopper. "
        f"Bought: {_names(names, history.bought) or 'nothing yet'}. "
        f"In the cart: {_names(names, history.cart) or 'nothing'}."
    )
    key = (user_id, tuple(sorted((p, names[p].version) for p in weighted if p in names)))
    return await _answer(recommender, "for_me", picks, limit, context, key=key)


async def best_sellers(conn: asyncpg.Connection, recommender: Recommender, limit: int) -> Answer:
    """The shop's best sellers (most paid orders holding them), in stock first; the rest of the
    catalog fills up a shop with few sales. Always the local answer: nothing to re-rank for."""
    suggestions = list(islice(recommender.refresher.snapshot.popular(), POPULAR_FILL + limit))
    picks = await _available(conn, suggestions, exclude=set())
    return Answer(picks[:limit], "local")


async def write_copy(recommender: Recommender, brief: Brief) -> tuple[str, Source]:
    if recommender.gemini is not None:
        text = await describe(recommender.gemini, brief)
        if text is not None:
            return text, "gemini"
    return write_description(brief), "local"


async def _available(
    conn: asyncpg.Connection, suggestions: Sequence[Suggestion], exclude: set[uuid.UUID]
) -> list[Pick]:
    """The suggestions that may be shown, best first: never an excluded or deleted product;
    products out of stock only after every product in stock."""
    wanted = list(dict.fromkeys(s.product_id for s in suggestions if s.product_id not in exclude))
    rows = await repository.products(conn, wanted)
    in_stock: list[Pick] = []
    sold_out: list[Pick] = []
    taken: set[uuid.UUID] = set()
    for suggestion in suggestions:
        row = rows.get(suggestion.product_id)
        if row is None or row.deleted or row.product_id in exclude or row.product_id in taken:
            continue
        taken.add(row.product_id)
        (in_stock if row.stock > 0 else sold_out).append(
            Pick(row, round(suggestion.score, 4), suggestion.reason)
        )
    return in_stock + sold_out


async def _answer(
    recommender: Recommender,
    purpose: str,
    picks: list[Pick],
    limit: int,
    context: str,
    key: object,
) -> Answer:
    local = Answer(picks[:limit], "local")
    if recommender.reranker is None or not picks:
        return local
    choices = picks[: max(GEMINI_CHOICES, 2 * limit)]
    candidates = [
        Candidate(
            p.product.product_id, p.product.name, category_label(p.product.category), p.reason
        )
        for p in choices
    ]
    ranked = await recommender.reranker.rerank(purpose, context, candidates, limit, key)
    if ranked is None:
        return local
    by_id = {p.product.product_id: p for p in choices}
    chosen = [
        Pick(by_id[r.product_id].product, by_id[r.product_id].score, r.reason) for r in ranked
    ]
    chosen_ids = {p.product.product_id for p in chosen}
    rest = [p for p in picks if p.product.product_id not in chosen_ids]
    return Answer((chosen + rest)[:limit], "gemini")


def _names(rows: dict[uuid.UUID, ProductRow], ids: Iterable[uuid.UUID]) -> str:
    return ", ".join(rows[p].name for p in ids if p in rows)


def _short(text: str, limit: int = 300) -> str:
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + "…"
