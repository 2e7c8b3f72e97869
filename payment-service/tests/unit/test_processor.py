"""The mock processor's card rules and charge decisions (pure functions, no I/O)."""

from datetime import UTC, datetime, timedelta, timezone

import pytest
from payment_service import processor
from payment_service.processor import (
    BUILTIN_METHODS,
    Behaviour,
    Brand,
    Card,
    CardRejected,
    DeclineReason,
    check_card,
    decide,
)

NOW = datetime(2030, 5, 15, 12, 0, tzinfo=UTC)


def with_check_digit(partial: str) -> str:
    """`partial` plus the digit that makes it pass the Luhn check."""
    for digit in "0123456789":
        if processor.luhn_valid(partial + digit):
            return partial + digit
    raise AssertionError("unreachable")


def rejected_fields(number: str, exp_month: int = 12, exp_year: int = 2031, cvc: str = "123"):
    with pytest.raises(CardRejected) as caught:
        check_card(number, exp_month, exp_year, cvc, now=NOW)
    return caught.value.problems


@pytest.mark.parametrize(
    "number",
    [
        "4242424242424242",
        "5555555555554444",
        "4000000000000002",
        "4000000000009995",
        "378282246310005",
        "6011111111111117",
    ],
)
def test_luhn_accepts_known_test_cards(number):
    assert processor.luhn_valid(number)


def test_luhn_rejects_a_single_changed_digit():
    assert not processor.luhn_valid("4242424242424241")
    assert not processor.luhn_valid("5555555555554445")
    problems = rejected_fields("4242 4242 4242 4241")
    assert [(p.field, p.type) for p in problems] == [("card_number", "luhn")]


@pytest.mark.parametrize(
    ("number", "brand", "cvc"),
    [
        ("4242 4242 4242 4242", Brand.VISA, "123"),
        ("4222222222222", Brand.VISA, "123"),  # 13-digit Visa
        ("5555 5555 5555 4444", Brand.MASTERCARD, "123"),
        ("2223 0031 2200 3222", Brand.MASTERCARD, "123"),  # 2-series
        ("2720 9999 9999 9996", Brand.MASTERCARD, "123"),
        ("3782 822463 10005", Brand.AMEX, "1234"),
        ("3714 496353 98431", Brand.AMEX, "1234"),
        ("6011 1111 1111 1117", Brand.DISCOVER, "123"),
        ("6445 6445 6445 6445", Brand.DISCOVER, "123"),
        ("3056 9300 0902 0004", Brand.DINERS, "123"),
        ("3566 0020 2036 0505", Brand.JCB, "123"),
        ("6200 0000 0000 0005", Brand.UNIONPAY, "123"),
    ],
)
def test_brand_is_detected_from_the_number(number, brand, cvc):
    card = check_card(number, 12, 2031, cvc, now=NOW)
    assert card.brand == brand
    assert card.last4 == number.replace(" ", "")[-4:]


def test_spaces_and_dashes_are_ignored():
    assert check_card("4242-4242-4242-4242", 1, 2031, "123", now=NOW).last4 == "4242"
    assert check_card(" 4242 4242-4242 4242 ", 1, 2031, "123", now=NOW).brand == Brand.VISA


@pytest.mark.parametrize(
    "number",
    [
        "4242 4242 4242 424a",
        "4242.4242.4242.4242",
        "",
        "   ",
        "\uff14\uff12" * 8,  # fullwidth digits, which str.isdigit() accepts
        "\u0664\u0662" * 8,  # Arabic-Indic digits
    ],
)
def test_anything_but_ascii_digits_spaces_and_dashes_is_refused(number):
    problems = rejected_fields(number)
    assert [(p.field, p.type) for p in problems] == [("card_number", "digits")]


@pytest.mark.parametrize("digits", [11, 20, 24])
def test_numbers_outside_12_to_19_digits_are_refused(digits):
    number = with_check_digit("4" * (digits - 1))
    assert [(p.field, p.type) for p in rejected_fields(number)] == [("card_number", "length")]


def test_a_valid_number_of_an_unknown_brand_is_refused():
    number = with_check_digit("999999999999999")
    assert [(p.field, p.type) for p in rejected_fields(number)] == [("card_number", "brand")]


def test_a_length_the_brand_never_has_is_refused():
    visa_15 = with_check_digit("42424242424242")
    assert [(p.field, p.type) for p in rejected_fields(visa_15)] == [("card_number", "length")]
    amex_16 = with_check_digit("378282246310005")
    problems = rejected_fields(amex_16, cvc="1234")
    assert (problems[0].field, problems[0].type) == ("card_number", "length")


def test_a_card_is_good_until_the_end_of_its_expiry_month_in_utc():
    last_second = datetime(2030, 5, 31, 23, 59, 59, tzinfo=UTC)
    assert check_card("4242424242424242", 5, 2030, "123", now=last_second).exp_month == 5
    first_second_after = last_second + timedelta(seconds=1)
    with pytest.raises(CardRejected) as caught:
        check_card("4242424242424242", 5, 2030, "123", now=first_second_after)
    assert [(p.field, p.type) for p in caught.value.problems] == [("exp_month", "expired")]


def test_expiry_is_judged_in_utc_whatever_the_clock_zone():
    # 20:00 on May 31st in New York is already June 1st in UTC.
    evening_in_new_york = datetime(2030, 5, 31, 20, 0, tzinfo=timezone(timedelta(hours=-5)))
    assert processor.is_expired(5, 2030, evening_in_new_york)
    assert not processor.is_expired(6, 2030, evening_in_new_york)


def test_a_card_that_expired_in_an_earlier_year_names_exp_year():
    problems = rejected_fields("4242424242424242", exp_month=12, exp_year=2029)
    assert [(p.field, p.type) for p in problems] == [("exp_year", "expired")]


def test_an_expiry_decades_ahead_is_refused():
    problems = rejected_fields("4242424242424242", exp_month=1, exp_year=2060)
    assert [(p.field, p.type) for p in problems] == [("exp_year", "range")]


def test_month_out_of_range_is_refused():
    assert [p.field for p in rejected_fields("4242424242424242", exp_month=13)] == ["exp_month"]


@pytest.mark.parametrize(
    ("number", "cvc", "accepted"),
    [
        ("4242424242424242", "123", True),
        ("4242424242424242", "1234", False),  # only American Express has four
        ("4242424242424242", "12", False),
        ("4242424242424242", "12a", False),
        ("4242424242424242", "\uff11\uff12\uff13", False),  # fullwidth digits
        ("378282246310005", "1234", True),
        ("378282246310005", "123", False),
    ],
)
def test_cvc_has_three_digits_or_four_for_american_express(number, cvc, accepted):
    if accepted:
        assert check_card(number, 12, 2031, cvc, now=NOW).last4 == number[-4:]
    else:
        assert [p.field for p in rejected_fields(number, cvc=cvc)] == ["cvc"]


def test_every_wrong_field_is_reported_at_once():
    problems = rejected_fields("4242424242424241", exp_month=1, exp_year=2030, cvc="1")
    assert [p.field for p in problems] == ["card_number", "exp_month", "cvc"]


def test_a_rejection_never_contains_the_number_or_the_cvc():
    with pytest.raises(CardRejected) as caught:
        check_card("4242424242424241", 1, 2020, "98765", now=NOW)
    text = str(caught.value) + repr(caught.value.problems)
    assert "4242424242424241" not in text
    assert "424242" not in text
    assert "98765" not in text


@pytest.mark.parametrize(
    ("number", "behaviour"),
    [
        ("4242 4242 4242 4242", Behaviour.APPROVE),
        ("5555 5555 5555 4444", Behaviour.APPROVE),
        ("4000 0000 0000 0002", Behaviour.CARD_DECLINED),
        ("4000 0000 0000 9995", Behaviour.INSUFFICIENT_FUNDS),
        ("4000 0566 5566 5556", Behaviour.APPROVE),  # any other valid number approves
    ],
)
def test_test_cards_fix_the_behaviour_at_tokenisation(number, behaviour):
    assert check_card(number, 12, 2031, "123", now=NOW).behaviour is behaviour


def test_built_in_test_tokens_stand_for_the_test_cards():
    assert {
        token: (card.brand, card.last4, card.behaviour) for token, card in BUILTIN_METHODS.items()
    } == {
        "pm_card_visa": ("visa", "4242", Behaviour.APPROVE),
        "pm_card_mastercard": ("mastercard", "4444", Behaviour.APPROVE),
        "pm_card_chargeDeclined": ("visa", "0002", Behaviour.CARD_DECLINED),
        "pm_card_chargeDeclinedInsufficientFunds": ("visa", "9995", Behaviour.INSUFFICIENT_FUNDS),
    }


def test_tokens_are_random_url_safe_and_prefixed():
    tokens = {processor.new_token() for _ in range(200)}
    assert len(tokens) == 200
    for token in tokens:
        assert token.startswith("pm_")
        assert len(token) >= 24
        assert all(c.isalnum() or c in "-_" for c in token)


def _card(behaviour: Behaviour = Behaviour.APPROVE, exp_year: int = 2031) -> Card:
    return Card("visa", "4242", 12, exp_year, behaviour)


def test_charging_without_a_usable_method_declines_as_invalid_payment_method():
    decision = decide(None, now=NOW)
    assert not decision.approved
    assert decision.decline_reason is DeclineReason.INVALID_PAYMENT_METHOD


@pytest.mark.parametrize(
    ("behaviour", "reason"),
    [
        (Behaviour.APPROVE, None),
        (Behaviour.CARD_DECLINED, DeclineReason.CARD_DECLINED),
        (Behaviour.INSUFFICIENT_FUNDS, DeclineReason.INSUFFICIENT_FUNDS),
    ],
)
def test_a_charge_follows_the_cards_behaviour(behaviour, reason):
    decision = decide(_card(behaviour), now=NOW)
    assert decision.approved is (reason is None)
    assert decision.decline_reason == reason


def test_a_card_that_expired_since_tokenisation_is_declined():
    decision = decide(_card(exp_year=2029), now=NOW)
    assert decision.decline_reason is DeclineReason.EXPIRED_CARD


def test_decline_rate_declines_when_the_roll_falls_below_it():
    assert decide(_card(), now=NOW, decline_rate=0.3, roll=lambda: 0.29).decline_reason == (
        DeclineReason.CARD_DECLINED
    )
    assert decide(_card(), now=NOW, decline_rate=0.3, roll=lambda: 0.3).approved


def test_decline_rate_one_always_declines_and_zero_never_rolls():
    assert all(not decide(_card(), now=NOW, decline_rate=1.0).approved for _ in range(100))

    def never() -> float:
        raise AssertionError("rolled with a zero decline rate")

    assert decide(_card(), now=NOW, decline_rate=0.0, roll=never).approved
