import uuid

import pytest
from inventory_service.consumers import handlers
from inventory_service.models import MovementReason
from inventory_service.schemas import StockAdjustment, StockSet
from inventory_service.service import _quantities
from pydantic import ValidationError
from shop_contracts import SUBSCRIPTIONS, StockChangeReason


def test_handlers_cover_exactly_the_inventory_subscriptions():
    assert handlers.routing_keys == tuple(sorted(SUBSCRIPTIONS["inventory"]))


@pytest.mark.parametrize(
    ("movement", "event_reason"),
    [
        (MovementReason.INITIAL, StockChangeReason.RESTOCK),
        (MovementReason.RESTOCK, StockChangeReason.RESTOCK),
        (MovementReason.ADMIN, StockChangeReason.ADMIN),
        (MovementReason.ORDER, StockChangeReason.ORDER),
    ],
)
def test_every_ledger_reason_maps_to_a_stock_updated_reason(movement, event_reason):
    assert movement.event_reason is event_reason


def test_adjustment_of_zero_is_refused():
    with pytest.raises(ValidationError, match="delta must not be 0"):
        StockAdjustment(delta=0)


def test_adjustment_defaults_to_an_admin_correction_and_accepts_restock():
    assert StockAdjustment(delta=-2).movement_reason is MovementReason.ADMIN
    assert StockAdjustment(delta=5, reason="restock").movement_reason is MovementReason.RESTOCK


@pytest.mark.parametrize("reason", ["order", "initial", "because"])
def test_adjustment_cannot_claim_order_or_initial_reasons(reason):
    with pytest.raises(ValidationError):
        StockAdjustment(delta=1, reason=reason)


def test_requests_refuse_unknown_fields_and_negative_stock():
    with pytest.raises(ValidationError):
        StockSet(stock=1, product_id=str(uuid.uuid4()))
    with pytest.raises(ValidationError):
        StockSet(stock=-1)


class _Line:
    def __init__(self, product_id: uuid.UUID, quantity: int) -> None:
        self.product_id = product_id
        self.quantity = quantity


def test_an_order_listing_a_product_twice_asks_for_the_sum():
    a, b = uuid.uuid4(), uuid.uuid4()
    assert _quantities([_Line(a, 2), _Line(b, 1), _Line(a, 3)]) == {a: 5, b: 1}
