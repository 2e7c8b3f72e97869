"""An order's facts and its part of the roll-ups do not depend on the order its events arrive
in, nor on how often each arrives."""

import itertools
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from analytics_service import facts
from analytics_service_tests_factories import Order, line

T0 = datetime(2026, 3, 1, 10, 59, tzinfo=UTC)


def fold(events):
    state = facts.OrderFacts(order_id=events[0][0].order_id)
    for event, at in events:
        state = facts.merge(state, event, at)
    return state


def lifecycles():
    lamp = uuid.uuid4()
    paid = Order([line(lamp, 2, 1500)])
    refunded = Order([line(lamp, 1, 1500)])
    declined = Order([line(lamp, 1, 1500)])
    cancelled = Order([line(lamp, 1, 1500)])
    step = timedelta(minutes=1)
    return {
        "paid": [(paid.created(), T0), (paid.paid(), T0 + step), (paid.order_paid(), T0 + step)],
        "refunded": [
            (refunded.created(), T0),
            (refunded.paid(), T0 + step),
            (refunded.refunded(), T0 + 2 * step),
            (refunded.cancelled("out_of_stock"), T0 + 2 * step),
        ],
        "declined": [
            (declined.created(), T0),
            (declined.declined(), T0 + step),
            (declined.cancelled("card_declined"), T0 + step),
        ],
        "cancelled": [(cancelled.created(), T0), (cancelled.cancelled(), T0 + step)],
    }


@pytest.mark.parametrize("name", ["paid", "refunded", "declined", "cancelled"])
def test_every_arrival_order_gives_the_same_facts_and_contribution(name):
    events = lifecycles()[name]
    results = {
        (fold(list(p)), tuple(sorted(facts.contribution(fold(list(p))).items(), key=repr)))
        for p in itertools.permutations(events)
    }
    assert len(results) == 1


def test_an_event_applied_twice_changes_nothing_more():
    events = lifecycles()["refunded"]
    assert fold(events + events) == fold(events)


@pytest.mark.parametrize(
    ("name", "state", "revenue", "units"),
    [
        ("paid", facts.OrderState.PAID, 3000, 2),
        ("refunded", facts.OrderState.CANCELLED, 0, 0),
        ("declined", facts.OrderState.CANCELLED, 0, 0),
        ("cancelled", facts.OrderState.CANCELLED, 0, 0),
    ],
)
def test_the_state_and_the_sales_an_order_ends_with(name, state, revenue, units):
    final = fold(lifecycles()[name])
    sales = facts.contribution(final)[("sales", T0.replace(minute=0))]

    assert final.state is state
    assert facts.Sales(*sales).revenue_cents == revenue
    assert facts.Sales(*sales).units == units
    assert facts.Sales(*sales).orders == 1


def test_the_order_is_placed_at_its_earliest_event_so_a_late_order_created_moves_it_back():
    order = Order([line(uuid.uuid4(), 1, 700)])
    early_payment = facts.merge(
        facts.OrderFacts(order.order_id), order.paid(), T0 + timedelta(hours=1)
    )
    assert early_payment.placed_at == T0 + timedelta(hours=1)

    complete = facts.merge(early_payment, order.created(), T0)
    change = facts.delta(early_payment, complete)

    hour = T0.replace(minute=0)
    assert change[("sales", hour)][:4] == (1, 1, 0, 700)
    assert change[("sales", hour + timedelta(hours=1))][:4] == (-1, -1, 0, -700)


def test_deltas_along_any_path_sum_to_the_final_contribution():
    events = lifecycles()["refunded"]
    for permutation in itertools.permutations(events):
        state = facts.OrderFacts(order_id=events[0][0].order_id)
        summed: facts.Rollup = {}
        for event, at in permutation:
            after = facts.merge(state, event, at)
            facts.add(summed, facts.delta(state, after))
            state = after
        assert summed == facts.contribution(state)
