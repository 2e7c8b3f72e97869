"""The local recommender's model: the blend of both signals, reasons, best sellers, picks for
a history."""

import uuid

from recommendation_service.consumers import handlers
from recommendation_service.recommender import (
    Basket,
    BlendWeights,
    CatalogItem,
    build_snapshot,
)
from shop_contracts import SUBSCRIPTIONS


def item(name: str, category: str, description: str = "") -> CatalogItem:
    return CatalogItem(uuid.uuid4(), name, category, description)


HEADPHONES = item("Aria Over-Ear Headphones", "audio", "Wireless noise cancelling headphones")
EARBUDS = item("Kestrel Wireless Earbuds", "audio", "Wireless earbuds for sport")
SPEAKER = item("Sonora Bluetooth Speaker", "audio", "A portable speaker")
CASE = item("Hard Travel Case", "accessories", "A case for headphones on the go")
SKILLET = item("Cast Iron Skillet", "kitchen", "A heavy pan")
KNIFE = item("Chef's Knife", "kitchen", "A sharp steel knife")
CATALOG = [HEADPHONES, EARBUDS, SPEAKER, CASE, SKILLET, KNIFE]


def baskets(*groups: tuple[CatalogItem, ...], times: int = 1) -> list[Basket]:
    return [Basket(tuple(i.product_id for i in group)) for group in groups] * times


def test_the_consumer_handles_exactly_the_events_the_queue_is_bound_to():
    assert handlers.routing_keys == tuple(sorted(SUBSCRIPTIONS["recommendation"]))


def test_related_never_lists_the_product_itself():
    snapshot = build_snapshot(1, CATALOG, baskets((HEADPHONES, CASE), times=3))
    for product in CATALOG:
        assert product.product_id not in {
            s.product_id for s in snapshot.related(product.product_id)
        }


def test_without_orders_related_products_are_the_most_similar_with_a_category_reason():
    snapshot = build_snapshot(1, CATALOG, [])

    related = snapshot.related(HEADPHONES.product_id)

    assert related[0].product_id == EARBUDS.product_id
    assert related[0].reason == "Also in Audio, similar to Aria Over-Ear Headphones"
    assert SKILLET.product_id not in {s.product_id for s in related}


def test_a_habitual_co_purchase_outranks_content_similarity_and_says_so():
    snapshot = build_snapshot(1, CATALOG, baskets((HEADPHONES, SKILLET), times=3))

    related = snapshot.related(HEADPHONES.product_id)

    assert related[0].product_id == SKILLET.product_id
    assert related[0].reason == "Often bought together with Aria Over-Ear Headphones"
    assert related[0].score > related[1].score


def test_a_single_shared_order_reads_bought_together():
    snapshot = build_snapshot(1, CATALOG, baskets((KNIFE, SPEAKER)))

    top = snapshot.related(KNIFE.product_id)[0]

    assert (top.product_id, top.reason) == (SPEAKER.product_id, "Bought together with Chef's Knife")


def test_co_purchase_similarity_is_damped_for_a_single_order():
    once = build_snapshot(1, CATALOG, baskets((KNIFE, SPEAKER)))
    often = build_snapshot(1, CATALOG, baskets((KNIFE, SPEAKER), times=4))

    assert often.related(KNIFE.product_id)[0].score > once.related(KNIFE.product_id)[0].score


def test_content_only_and_co_purchase_only_weights_use_one_signal():
    history = baskets((HEADPHONES, SKILLET), times=3)
    content_only = build_snapshot(1, CATALOG, history, weights=BlendWeights(copurchase=0.0))
    bought_only = build_snapshot(1, CATALOG, history, weights=BlendWeights(content=0.0))

    assert content_only.related(HEADPHONES.product_id)[0].product_id == EARBUDS.product_id
    assert [s.product_id for s in bought_only.related(HEADPHONES.product_id)] == [
        SKILLET.product_id
    ]


def test_best_sellers_come_first_with_their_category():
    snapshot = build_snapshot(
        1, CATALOG, baskets((KNIFE,), times=3) + baskets((SPEAKER,), times=2) + baskets((CASE,))
    )

    popular = list(snapshot.popular(exclude=[SPEAKER.product_id]))

    assert [s.product_id for s in popular[:2]] == [KNIFE.product_id, CASE.product_id]
    assert popular[0].reason == "A best seller in Kitchen"
    assert popular[-1].reason.startswith("From our ")
    assert len(popular) == len(CATALOG) - 1


def test_for_a_history_bought_products_are_excluded_and_the_reason_names_the_purchase():
    snapshot = build_snapshot(1, CATALOG, baskets((HEADPHONES, CASE), times=2))

    picks = snapshot.for_user(
        {HEADPHONES.product_id: (1.0, ", which you bought")}, exclude=[HEADPHONES.product_id]
    )

    assert picks[0].product_id == CASE.product_id
    assert (
        picks[0].reason == "Often bought together with Aria Over-Ear Headphones, which you bought"
    )
    assert HEADPHONES.product_id not in {p.product_id for p in picks}


def test_an_unknown_product_has_no_neighbours_and_an_empty_catalog_builds():
    assert build_snapshot(1, CATALOG, []).related(uuid.uuid4()) == []
    empty = build_snapshot(1, [], [])
    assert len(empty) == 0 and list(empty.popular()) == []
