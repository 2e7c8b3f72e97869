"""Gemini through the real `google-genai` SDK, against a fake of its REST API on loopback: a
good answer re-ranks the local candidates and writes the reasons; malformed JSON, unknown ids,
a timeout, a 429, a 503 and a blocked answer each give the local answer, never an error, and
move the fallback counter."""

import json
import re
import uuid

import pytest
from recommendation_service.gemini import GEMINI_FALLBACKS
from recommendation_service_tests_factories import ids

pytestmark = pytest.mark.timeout(60)


def _fallbacks(purpose: str, reason: str) -> float:
    return GEMINI_FALLBACKS.labels(purpose, reason)._value.get()


async def _catalog(factory, size: int = 6) -> tuple[uuid.UUID, list[uuid.UUID]]:
    tag = uuid.uuid4().hex[:8]
    anchor = await factory.product(name=f"Road bike {tag}", category=f"bikes-{tag}")
    others = [
        await factory.product(name=f"Road bike part {tag} {i}", category=f"bikes-{tag}")
        for i in range(size)
    ]
    return anchor, others


async def test_gemini_reranks_the_local_candidates_and_writes_the_reasons(factory, gemini):
    anchor, others = await _catalog(factory)
    async with factory.app_with_gemini(gemini) as (app, client):
        await factory.refresh(app)
        local = await factory.related(anchor, limit=4)  # the session app: no key
        body = await factory.related(anchor, limit=4, client=client)

    assert body["source"] == "gemini"
    assert local["source"] == "local"
    call = gemini.calls[0]
    assert call.path.startswith("/v1beta/models/gemini-2.5-flash:generateContent")
    assert call.api_key == "test-key"
    assert call.body["generationConfig"]["responseMimeType"] == "application/json"
    assert "responseSchema" in call.body["generationConfig"] or (
        "responseJsonSchema" in call.body["generationConfig"]
    )
    # The fake ranks the offered candidates in reverse: Gemini's order, Gemini's reasons.
    offered = [uuid.UUID(i) for i in re.findall(r"id ([0-9a-f-]{36})", call.prompt)]
    assert offered[:4] == ids(local)  # the local ranking is what Gemini chooses from
    assert set(others) <= set(offered) and anchor not in offered
    assert ids(body) == list(reversed(offered))[:4]
    assert all(item["reason"].startswith("Gemini likes ") for item in body["items"])


async def test_an_answer_is_cached_per_product_version(factory, gemini):
    anchor, _ = await _catalog(factory)
    async with factory.app_with_gemini(gemini) as (app, client):
        await factory.refresh(app)
        first = await factory.related(anchor, client=client)
        second = await factory.related(anchor, client=client)
        assert len(gemini.calls) == 1
        assert first == second

        from recommendation_service_tests_factories import product_updated

        await factory.deliver(product_updated(anchor, "Road bike, renamed", "bikes"))
        await factory.related(anchor, client=client)

    assert len(gemini.calls) == 2


@pytest.mark.parametrize(
    ("mode", "text", "delay", "reason"),
    [
        ("text", "{not json", 0.0, "malformed"),
        ("text", '{"something": "else"}', 0.0, "malformed"),
        ("unknown_ids", "", 0.0, "unknown_ids"),
        ("text", '{"items": []}', 0.0, "empty"),
        ("rank", "", 2.0, "timeout"),
        ("429", "", 0.0, "rate_limited"),
        ("503", "", 0.0, "server_error"),
        ("blocked", "", 0.0, "unsafe"),
    ],
)
async def test_each_failure_gives_the_local_answer_and_is_counted(
    factory, gemini, mode, text, delay, reason
):
    anchor, _ = await _catalog(factory)
    gemini.answer(mode, text, delay)
    before = _fallbacks("related", reason)
    async with factory.app_with_gemini(gemini) as (app, client):
        await factory.refresh(app)
        await factory.refresh()
        body = await factory.related(anchor, client=client)
        local = await factory.related(anchor)

    assert body["source"] == "local"
    assert body == local
    assert len(gemini.calls) == 1  # no retry: the shopper is waiting
    assert _fallbacks("related", reason) == before + 1


async def test_a_network_error_gives_the_local_answer(factory, gemini):
    anchor, _ = await _catalog(factory)
    before = _fallbacks("related", "network")
    closed = type("Closed", (), {"url": "http://127.0.0.1:9"})()
    async with factory.app_with_gemini(closed) as (app, client):
        await factory.refresh(app)
        body = await factory.related(anchor, client=client)

    assert body["source"] == "local" and body["items"]
    assert _fallbacks("related", "network") == before + 1


async def test_past_the_per_minute_budget_the_answer_is_local_without_a_call(factory, gemini):
    anchor, others = await _catalog(factory)
    before = _fallbacks("related", "budget")
    async with factory.app_with_gemini(gemini, gemini_calls_per_minute=2) as (app, client):
        await factory.refresh(app)
        sources = [
            (await factory.related(product, client=client))["source"]
            for product in [anchor, *others[:3]]
        ]

    assert sources == ["gemini", "gemini", "local", "local"]
    assert len(gemini.calls) == 2
    assert _fallbacks("related", "budget") == before + 2


async def test_for_me_is_reranked_by_gemini_too(factory, gemini):
    anchor, _others = await _catalog(factory)
    customer = factory.customer()
    await factory.paid_order(customer.user_id, [anchor])
    async with factory.app_with_gemini(gemini) as (app, client):
        await factory.refresh(app)
        response = await client.get("/api/recommendations/for-me", headers=customer.headers)

    body = response.json()
    assert body["source"] == "gemini"
    assert anchor not in ids(body)
    assert "Road bike" in gemini.calls[0].prompt


async def test_gemini_writes_a_description_that_fits_the_brief(factory, gemini, minter):
    copy = (
        "The Aria Headphones pair noise cancelling with a foldable frame, so the quiet comes "
        "along wherever the day goes. Slip them on and the world fades."
    )
    gemini.answer("text", json.dumps({"description": copy}))
    brief = {
        "name": "Aria Headphones",
        "category": "audio",
        "keywords": ["noise cancelling", "foldable"],
    }
    async with factory.app_with_gemini(gemini) as (_app, client):
        response = await client.post(
            "/api/recommendations/descriptions", json=brief, headers=minter.headers(role="admin")
        )

    assert response.json() == {"description": copy, "source": "gemini"}
    assert "foldable" in gemini.calls[0].prompt


@pytest.mark.parametrize(
    ("copy", "reason"),
    [
        (
            "The Aria Headphones have noise cancelling and a foldable frame with 60 hours of play "
            "on one charge, and they are great company on every long trip.",
            "invented_number",
        ),
        (
            "The Aria Headphones have noise cancelling, for quiet that lasts through every trip "
            "and every day, wherever you are and whatever you do.",
            "missing_keyword",
        ),
    ],
)
async def test_gemini_copy_that_misses_the_brief_is_replaced_by_the_local_writer(
    factory, gemini, minter, copy, reason
):
    gemini.answer("text", json.dumps({"description": copy}))
    before = _fallbacks("description", reason)
    brief = {
        "name": "Aria Headphones",
        "category": "audio",
        "keywords": ["noise cancelling", "foldable"],
    }
    async with factory.app_with_gemini(gemini) as (_app, client):
        response = await client.post(
            "/api/recommendations/descriptions", json=brief, headers=minter.headers(role="admin")
        )

    answer = response.json()
    assert answer["source"] == "local"
    assert "foldable" in answer["description"].lower()
    assert _fallbacks("description", reason) == before + 1


async def test_a_failing_gemini_still_gives_a_description(factory, gemini, minter):
    gemini.answer("503")
    async with factory.app_with_gemini(gemini) as (_app, client):
        response = await client.post(
            "/api/recommendations/descriptions",
            json={"name": "Lamp", "category": "home"},
            headers=minter.headers(role="admin"),
        )

    assert response.status_code == 200
    assert response.json()["source"] == "local"
