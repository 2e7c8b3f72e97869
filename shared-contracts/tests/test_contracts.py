import json
import uuid
from pathlib import Path

import pytest
from pydantic import ValidationError
from shop_contracts import (
    EVENT_TYPES,
    SUBSCRIPTIONS,
    Envelope,
    ErrorResponse,
    UnknownEventType,
    parse_event,
)
from shop_contracts.catalogue import render
from shop_contracts.events import OrderCreated, OrderLine, StockUpdated

ROOT = Path(__file__).resolve().parents[2]


def test_published_event_catalogue_matches_the_models():
    committed = (ROOT / "docs" / "events.asyncapi.json").read_text()
    assert committed == render(), "docs/events.asyncapi.json is stale: run `make contracts`"


def test_every_event_of_the_contract_has_a_model_and_every_subscription_a_known_type():
    expected = {
        "user.registered",
        "product.created",
        "product.updated",
        "product.deleted",
        "cart.updated",
        "order.created",
        "payment.success",
        "payment.failed",
        "stock.updated",
        "stock.insufficient",
        "payment.refunded",
        "order.paid",
        "order.shipped",
        "order.cancelled",
    }
    assert set(EVENT_TYPES) == expected
    for service, keys in SUBSCRIPTIONS.items():
        assert set(keys) <= expected, service


def test_envelope_round_trip_gives_the_typed_event():
    event = OrderCreated(
        order_id=uuid.uuid4(),
        user_id=uuid.uuid4(),
        total_cents=2000,
        payment_method="pm_card_visa",
        items=[OrderLine(product_id=uuid.uuid4(), name="Mug", quantity=2, unit_price_cents=1000)],
    )
    envelope = Envelope.wrap(event, producer="order-service")
    wire = json.loads(envelope.model_dump_json())
    assert set(wire) == {
        "id",
        "type",
        "version",
        "occurred_at",
        "producer",
        "correlation_id",
        "causation_id",
        "data",
    }
    parsed_envelope, parsed = parse_event(wire)
    assert parsed == event
    assert parsed_envelope.type == "order.created"


def test_consumers_ignore_unknown_fields_but_reject_bad_ones():
    product = uuid.uuid4()
    data = {
        "product_id": str(product),
        "stock": 3,
        "delta": -1,
        "reason": "order",
        "added_later": 1,
    }
    assert StockUpdated.model_validate(data).stock == 3
    with pytest.raises(ValidationError):
        StockUpdated.model_validate({**data, "stock": -1})
    with pytest.raises(UnknownEventType):
        parse_event({"type": "nope.happened", "producer": "x", "data": {}})


def test_error_body_shape():
    body = ErrorResponse.build("not_found", "Not found.", request_id="r1").model_dump(
        exclude_none=True
    )
    assert body == {"error": {"code": "not_found", "message": "Not found.", "request_id": "r1"}}
