"""Request models keep card data out of reprs and refuse unknown fields."""

import json

import pytest
from payment_service.schemas import PaymentMethodCreate, ProcessorSwitchIn
from pydantic import ValidationError


def test_a_card_request_never_shows_its_number_or_cvc_in_a_repr():
    body = PaymentMethodCreate(
        card_number="4242 4242 4242 4242", exp_month=12, exp_year=2031, cvc="987"
    )
    for text in (repr(body), str(body), str(body.model_dump())):
        assert "4242" not in text
        assert "987" not in text
    assert body.card_number.get_secret_value() == "4242 4242 4242 4242"


def test_a_card_request_refuses_unknown_fields():
    with pytest.raises(ValidationError) as caught:
        PaymentMethodCreate.model_validate(
            {"card_number": "4242", "exp_month": 1, "exp_year": 2031, "cvc": "123", "user_id": "x"}
        )
    assert [e["loc"] for e in caught.value.errors()] == [("user_id",)]


@pytest.mark.parametrize(
    "body",
    [
        {"decline_rate": 1.01, "processing_delay_ms": 0},
        {"decline_rate": -0.1, "processing_delay_ms": 0},
        {"decline_rate": float("nan"), "processing_delay_ms": 0},
        {"decline_rate": 0.5, "processing_delay_ms": -1},
        {"decline_rate": 0.5, "processing_delay_ms": 60_000},
    ],
)
def test_the_processor_switch_refuses_out_of_range_values(body):
    with pytest.raises(ValidationError):
        ProcessorSwitchIn.model_validate(body)


@pytest.mark.parametrize(
    "body",
    [
        {"decline_rate": 0.5, "processing_delay_ms": False},
        {"decline_rate": 0.5, "processing_delay_ms": "100"},
        {"decline_rate": "0.5", "processing_delay_ms": 100},
        {"decline_rate": True, "processing_delay_ms": 100},
        {"decline_rate": 0.5, "processing_delay_ms": 100.5},
    ],
)
def test_the_processor_switch_takes_json_types_as_declared(body):
    with pytest.raises(ValidationError):
        ProcessorSwitchIn.model_validate_json(json.dumps(body))


def test_a_whole_number_written_as_a_float_is_an_integer():
    body = ProcessorSwitchIn.model_validate_json(
        '{"decline_rate": 1, "processing_delay_ms": 250.0}'
    )
    assert (body.decline_rate, body.processing_delay_ms) == (1.0, 250)
    card = PaymentMethodCreate.model_validate_json(
        '{"card_number": "4242424242424242", "exp_month": 12.0, "exp_year": 2031, "cvc": "123"}'
    )
    assert card.exp_month == 12


def test_a_month_as_a_string_is_refused():
    with pytest.raises(ValidationError) as caught:
        PaymentMethodCreate.model_validate_json(
            '{"card_number": "4242424242424242", "exp_month": "12", "exp_year": 2031, "cvc": "123"}'
        )
    assert [e["loc"] for e in caught.value.errors()] == [("exp_month",)]
