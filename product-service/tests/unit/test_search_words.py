"""What a search means before the engine: words, typo distance, filters, facets."""

import pytest
from product_service.search.query import (
    CategoryStats,
    Filters,
    SearchRequest,
    edit_distance,
    facets_from,
    filters_from,
    max_typos,
    words_of,
)


def test_words_are_lower_case_letters_and_digits_without_repeats():
    assert words_of("Sony WH-1000XM5 sony, Café!") == ["sony", "wh", "1000xm5", "café"]


@pytest.mark.parametrize(
    "text",
    ["'&|!:*()", "a:* | !b", "<-> <2>", "x\\y", '"quoted"', "under_score", "\x00nul", "a~2^3"],
)
def test_only_letters_and_digits_survive_in_the_words(text):
    assert all(word.isalnum() for word in words_of(text))


def test_an_empty_or_blank_query_has_no_words():
    assert words_of(None) == words_of("") == words_of("  ,; ") == []


def test_a_query_keeps_at_most_eight_words_of_forty_characters():
    words = words_of(" ".join(f"w{i}" for i in range(20)) + " " + "x" * 100)

    assert len(words) == 8
    assert max(len(w) for w in words_of("y" * 100)) == 40


@pytest.mark.parametrize(
    ("a", "b", "distance"),
    [
        ("hedphones", "headphones", 1),
        ("keybord", "keyboard", 1),
        ("mouse", "muose", 1),
        ("cheap", "chef", 2),
        ("lamp", "lamp", 0),
        ("", "abc", 3),
    ],
)
def test_edit_distance_counts_typos_including_swapped_letters(a, b, distance):
    assert edit_distance(a, b) == distance == edit_distance(b, a)


def test_a_short_word_may_have_one_typo_and_a_longer_one_two():
    assert [max_typos(w) for w in ("lamp", "mixer", "keybord", "hedphones")] == [1, 1, 2, 2]


def test_a_blank_category_filter_is_no_filter_and_a_symbol_only_one_matches_nothing():
    assert filters_from(" ", None, None, False).category is None
    assert filters_from("&&", None, None, False).category == ""
    assert filters_from("Home & Kitchen", 1, 2, True) == Filters("home-kitchen", 1, 2, True)


STATS = [
    CategoryStats("audio", in_price_range=2, min_price_cents=500, max_price_cents=9000),
    CategoryStats("books", in_price_range=0, min_price_cents=12000, max_price_cents=15000),
    CategoryStats("toys", in_price_range=2, min_price_cents=100, max_price_cents=700),
]


def test_category_facets_ignore_the_category_filter_and_the_price_range_ignores_prices():
    facets = facets_from(STATS, Filters(category="audio", max_price_cents=9000))

    assert facets.categories == [("audio", 2), ("toys", 2)]
    assert (facets.min_price_cents, facets.max_price_cents) == (500, 9000)
    assert facets.total == 2


def test_without_a_category_filter_the_total_and_price_range_cover_every_category():
    facets = facets_from(STATS, Filters())

    assert facets.total == 4
    assert (facets.min_price_cents, facets.max_price_cents) == (100, 15000)


def test_searches_that_differ_only_in_ignored_characters_share_a_cache_entry():
    one = SearchRequest(q="Wireless, HEAD!", filters=Filters())
    other = SearchRequest(q="wireless head", filters=Filters())

    assert one.cache_key == other.cache_key
    assert one.cache_key != SearchRequest(q="wireless head", filters=Filters(), limit=5).cache_key
