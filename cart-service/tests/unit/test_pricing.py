import uuid

from cart_service.consumers import handlers
from cart_service.pricing import PriceChanged, ProductUnavailable, StockShort, price_cart
from cart_service.repository import LineState
from shop_contracts import SUBSCRIPTIONS
from shop_contracts.events import CartLine


def line(**overrides) -> LineState:
    values = {
        "product_id": uuid.uuid4(),
        "quantity": 2,
        "seen_price_cents": 1000,
        "name": "Mug",
        "price_cents": 1000,
        "currency": "USD",
        "stock": 10,
        "deleted": False,
        **overrides,
    }
    return LineState(**values)


def test_handlers_cover_exactly_the_cart_subscriptions():
    assert handlers.routing_keys == tuple(sorted(SUBSCRIPTIONS["cart"]))


def test_a_cart_is_priced_at_current_prices_with_no_warnings_when_nothing_changed():
    a, b = (
        line(quantity=2, price_cents=1000, seen_price_cents=1000),
        line(quantity=1, price_cents=250, seen_price_cents=250),
    )

    view = price_cart([a, b])

    assert view.total_cents == 2250
    assert view.item_count == 3
    assert view.warnings == ()
    assert view.problems == ()
    assert [p.line_total_cents for p in view.lines] == [2000, 250]


def test_a_changed_price_is_used_and_pointed_out_but_does_not_block_checkout():
    state = line(seen_price_cents=1000, price_cents=1100)

    view = price_cart([state])

    assert view.total_cents == 2200
    assert view.warnings == (PriceChanged(state.product_id, 1000, 1100),)
    assert view.problems == ()
    assert view.purchasable_lines == view.lines


def test_more_than_the_stock_is_pointed_out_counted_but_not_purchasable():
    state = line(quantity=5, stock=3)

    view = price_cart([state])

    assert view.warnings == (StockShort(state.product_id, available=3, quantity=5),)
    assert view.total_cents == 5000
    assert view.purchasable_lines == ()
    assert view.problems == view.warnings


def test_a_deleted_product_is_unavailable_and_left_out_of_totals_and_the_event():
    kept, gone = line(quantity=1), line(deleted=True, price_cents=999)
    user_id = uuid.uuid4()

    view = price_cart([kept, gone])

    assert view.warnings == (ProductUnavailable(gone.product_id),)
    assert view.total_cents == 1000 and view.item_count == 1
    assert view.lines[1].available == 0 and view.lines[1].line_total_cents == 0
    event = view.event(user_id)
    assert event.items == [CartLine(product_id=kept.product_id, quantity=1, unit_price_cents=1000)]
    assert event.total_cents == 1000


def test_a_product_never_seen_in_the_catalog_is_unavailable():
    state = line(name=None, price_cents=None, currency=None, deleted=True)

    view = price_cart([state])

    assert view.lines[0].name == "Unavailable product"
    assert view.lines[0].unit_price_cents == state.seen_price_cents
    assert view.warnings == (ProductUnavailable(state.product_id),)
    assert view.total_cents == 0


def test_an_empty_cart_costs_nothing_in_the_default_currency():
    view = price_cart([])

    assert (view.total_cents, view.item_count, view.currency) == (0, 0, "USD")
