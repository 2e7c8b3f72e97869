"""Gemini re-ranks the local recommender's candidates and writes their reasons.

Gemini only orders what the local recommender offered: an id that was not among the
candidates is dropped; if nothing usable is left, or anything fails, the caller answers with
the local ranking. Answers are cached by what was asked (the product and its version, the
candidates), so a product page asks Gemini once per change of the product or its neighbours."""

import uuid
from collections.abc import Hashable, Sequence
from dataclasses import dataclass

from cachetools import TTLCache
from prometheus_client import Counter
from pydantic import BaseModel, Field

from recommendation_service.gemini.client import Gemini, GeminiUnavailable, fallback

REASON_MAX_CHARS = 120

DROPPED_IDS = Counter(
    "recommendation_gemini_dropped_ids_total",
    "Product ids in Gemini's answers that were not among the candidates",
)
CACHE_HITS = Counter("recommendation_gemini_cache_hits_total", "Answers served from the cache")


class RankedItem(BaseModel):
    product_id: str = Field(description="The id of one of the candidates, exactly as given")
    reason: str = Field(description="Why a shopper would want it, in under 90 characters")


class Ranking(BaseModel):
    items: list[RankedItem]


@dataclass(frozen=True, slots=True)
class Candidate:
    product_id: uuid.UUID
    name: str
    category: str
    reason: str  # the local recommender's


@dataclass(frozen=True, slots=True)
class Ranked:
    product_id: uuid.UUID
    reason: str


class Reranker:
    def __init__(self, gemini: Gemini, *, cache_size: int, cache_seconds: int) -> None:
        self.gemini = gemini
        self._cache: TTLCache[Hashable, tuple[Ranked, ...]] = TTLCache(
            maxsize=cache_size, ttl=cache_seconds
        )

    async def rerank(
        self, purpose: str, context: str, candidates: Sequence[Candidate], limit: int, key: Hashable
    ) -> list[Ranked] | None:
        """Up to `limit` of the candidates in Gemini's order with its reasons, or None (the
        caller answers locally; the failure is counted and logged)."""
        cache_key = (purpose, key, tuple(c.product_id for c in candidates), limit)
        cached = self._cache.get(cache_key)
        if cached is not None:
            CACHE_HITS.inc()
            return list(cached)
        try:
            prompt = _prompt(context, candidates, limit)
            answer = await self.gemini.generate(purpose, prompt, Ranking)
            ranked = _usable(answer, candidates, limit)
        except GeminiUnavailable as exc:
            if exc.reason in ("unknown_ids", "empty"):
                fallback(purpose, exc)  # the call itself succeeded and was counted as such
            return None
        self._cache[cache_key] = tuple(ranked)
        return ranked


def _usable(answer: Ranking, candidates: Sequence[Candidate], limit: int) -> list[Ranked]:
    known = {str(c.product_id): c for c in candidates}
    ranked: list[Ranked] = []
    seen: set[uuid.UUID] = set()
    dropped = 0
    for item in answer.items:
        candidate = known.get(item.product_id.strip().lower())
        if candidate is None:
            dropped += 1
            continue
        if candidate.product_id in seen:
            continue
        seen.add(candidate.product_id)
        reason = " ".join(item.reason.split())[:REASON_MAX_CHARS].strip() or candidate.reason
        ranked.append(Ranked(candidate.product_id, reason))
        if len(ranked) == limit:
            break
    if dropped:
        DROPPED_IDS.inc(dropped)
    if not ranked:
        raise GeminiUnavailable("unknown_ids" if dropped else "empty")
    return ranked


def _prompt(context: str, candidates: Sequence[Candidate], limit: int) -> str:
    lines = "\n".join(
        f"- id {c.product_id} | {c.name} | category {c.category} | {c.reason}" for c in candidates
    )
    return (
        "You pick product recommendations for an online shop.\n"
        f"{context}\n"
        "Candidates (id | name | category | why the shop's recommender chose it):\n"
        f"{lines}\n"
        f"Return the {limit} candidates a shopper is most likely to want, best first. "
        "Use only ids from the list, copied exactly. For each, write a short, specific reason "
        "for the shopper (under 90 characters, no prices, no numbers that are not in the names)."
    )
