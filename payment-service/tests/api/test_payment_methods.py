"""POST/GET /api/payments/methods: tokenising cards, and refusing bad ones without echoing them."""

import asyncio
from datetime import UTC, datetime

import pytest
from payment_service_tests_factories import AMEX, VISA, VISA_DIGITS, card_payload
from sqlalchemy import text


async def test_tokenising_a_card_returns_a_token_brand_last4_and_expiry(shop):
    customer = shop.customer()
    body = await shop.tokenise(customer, exp_month=7, exp_year=2031)
    assert set(body) == {"id", "brand", "last4", "exp_month", "exp_year"}
    assert body["id"].startswith("pm_")
    assert len(body["id"]) >= 24
    assert body["brand"] == "visa"
    assert body["last4"] == "4242"
    assert (body["exp_month"], body["exp_year"]) == (7, 2031)


async def test_each_tokenisation_gets_a_new_token(shop):
    customer = shop.customer()
    first = await shop.tokenise(customer)
    second = await shop.tokenise(customer)
    assert first["id"] != second["id"]


async def test_american_express_needs_a_four_digit_cvc(shop):
    customer = shop.customer()
    body = await shop.tokenise(customer, card_number=AMEX, cvc="1234")
    assert (body["brand"], body["last4"]) == ("amex", "0005")


def _fields(response) -> list[str]:
    return [detail["field"] for detail in response.json()["error"]["details"]]


def _assert_no_echo(response, card_number: str, cvc: object) -> None:
    for detail in response.json()["error"]["details"]:
        assert "input" not in detail
        assert "ctx" not in detail
    digits = card_number.replace(" ", "")
    assert digits not in response.text
    assert card_number not in response.text
    # A CVC is short enough to occur inside a request id; look for it as a JSON value.
    for form in (f'"{cvc}"', f":{cvc}", f": {cvc}"):
        assert form not in response.text


@pytest.mark.parametrize(
    ("card", "field", "kind"),
    [
        ({"card_number": "4242 4242 4242 4241"}, "card_number", "luhn"),
        ({"card_number": "4242 4242 4242"}, "card_number", "length"),  # Visa has 13, 16 or 19
        ({"card_number": "4242 4242 4242 42x2"}, "card_number", "digits"),
        ({"card_number": "9999 9999 9999 9995"}, "card_number", "brand"),
        ({"exp_month": 1, "exp_year": 2020}, "exp_year", "expired"),
        ({"cvc": "1234"}, "cvc", "cvc"),
        ({"card_number": AMEX, "cvc": "123"}, "cvc", "cvc"),
    ],
)
async def test_a_bad_card_is_422_naming_the_field_without_echoing_the_number(
    shop, client, card, field, kind
):
    payload = card_payload(**card)
    response = await client.post(
        "/api/payments/methods", json=payload, headers=shop.customer().headers
    )
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid_card"
    assert field in error["message"]
    assert [(d["field"], d["type"]) for d in error["details"]] == [(field, kind)]
    _assert_no_echo(response, payload["card_number"], payload["cvc"])


async def test_a_card_is_accepted_in_its_expiry_month(shop):
    now = datetime.now(UTC)
    body = await shop.tokenise(shop.customer(), exp_month=now.month, exp_year=now.year)
    assert (body["exp_month"], body["exp_year"]) == (now.month, now.year)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"card_number": VISA * 3}, "card_number"),  # too long for the schema
        ({"card_number": int(VISA_DIGITS)}, "card_number"),  # not a string
        ({"cvc": 987}, "cvc"),
        ({"cvc": "98"}, "cvc"),
        ({"exp_month": 13}, "exp_month"),
        ({"exp_year": 31}, "exp_year"),
        ({"user_id": "someone-else"}, "user_id"),  # unknown fields are refused
    ],
)
async def test_schema_errors_are_422_naming_the_field_without_echoing_the_input(
    shop, client, changes, field
):
    payload = card_payload(**changes)
    response = await client.post(
        "/api/payments/methods", json=payload, headers=shop.customer().headers
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "validation_error"
    assert _fields(response) == [field]
    _assert_no_echo(response, str(payload["card_number"]), payload["cvc"])


async def test_a_missing_card_number_is_422_naming_it(shop, client):
    payload = card_payload()
    del payload["card_number"]
    response = await client.post(
        "/api/payments/methods", json=payload, headers=shop.customer().headers
    )
    assert response.status_code == 422
    assert _fields(response) == ["card_number"]


async def test_malformed_json_is_422_without_echoing_the_body(shop, client):
    response = await client.post(
        "/api/payments/methods",
        content=f'{{"card_number": "{VISA}", "cvc": "987",'.encode(),
        headers={**shop.customer().headers, "content-type": "application/json"},
    )
    assert response.status_code == 422
    _assert_no_echo(response, VISA, "987")


async def test_tokenising_needs_a_signed_in_user(client):
    response = await client.post("/api/payments/methods", json=card_payload())
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


async def test_saved_cards_are_listed_to_their_owner_only(shop, client):
    owner, other = shop.customer(), shop.customer()
    saved = await shop.tokenise(owner)
    mine = await client.get("/api/payments/methods", headers=owner.headers)
    assert mine.status_code == 200
    assert mine.json() == {"items": [saved], "total": 1, "limit": 20, "offset": 0}
    theirs = await client.get("/api/payments/methods", headers=other.headers)
    assert theirs.json() == {"items": [], "total": 0, "limit": 20, "offset": 0}


async def test_a_user_can_save_twenty_cards_and_no_more(shop, client, sessions):
    user = shop.customer()
    await asyncio.gather(*(shop.tokenise(user) for _ in range(19)))
    # The last places race: of three at once, one gets the twentieth.
    responses = await asyncio.gather(
        *(
            client.post("/api/payments/methods", json=card_payload(), headers=user.headers)
            for _ in range(3)
        )
    )

    assert sorted(r.status_code for r in responses) == [201, 409, 409]
    refused = next(r for r in responses if r.status_code == 409).json()["error"]
    assert refused["code"] == "too_many_payment_methods"
    assert "20" in refused["message"]
    async with sessions() as session:
        kept = await session.scalar(
            text("SELECT count(*) FROM payment_methods WHERE user_id = :u"), {"u": user.id}
        )
    assert kept == 20
    assert (
        await client.post("/api/payments/methods", json=card_payload(), headers=user.headers)
    ).status_code == 409
    # Another user is not affected.
    assert (await shop.tokenise(shop.customer()))["id"].startswith("pm_")


async def test_saved_cards_are_listed_a_page_at_a_time_newest_first(shop, client):
    user = shop.customer()
    saved = [await shop.tokenise(user) for _ in range(5)]

    first = await client.get("/api/payments/methods?limit=2", headers=user.headers)
    rest = await client.get("/api/payments/methods?limit=2&offset=2", headers=user.headers)
    too_many = await client.get("/api/payments/methods?limit=101", headers=user.headers)

    assert first.json()["total"] == rest.json()["total"] == 5
    listed = first.json()["items"] + rest.json()["items"]
    assert listed == list(reversed(saved))[:4]
    assert too_many.status_code == 422
