"""The local description writer: every keyword, the category and the tone, no invented
numbers, length bounds, and a different text for every different product."""

import itertools
import re

import pytest
from recommendation_service.descriptions import (
    MAX_CHARS,
    MIN_CHARS,
    TONE_NAMES,
    Brief,
    check_description,
    numbers_in,
    write_description,
)

CATEGORIES = ["audio", "kitchen", "books", "garden-tools", "beauty"]
KEYWORDS = [
    ("noise cancelling", "40-hour battery", "foldable"),
    ("cast iron", "oven safe"),
    (),
    ("hand-stitched", "organic cotton", "machine washable", "gift ready", "limited run"),
]


def briefs() -> list[Brief]:
    return [
        Brief(f"{brand} {noun}", category, keywords, tone)
        for (brand, noun), category, keywords, tone in itertools.product(
            [("Aria", "Classic"), ("Nordvik", "Pro 2")], CATEGORIES, KEYWORDS, TONE_NAMES
        )
    ]


@pytest.mark.parametrize("brief", briefs(), ids=lambda b: f"{b.category}-{b.tone}")
def test_the_text_uses_every_keyword_fits_the_bounds_and_invents_no_number(brief):
    text = write_description(brief)

    assert check_description(text, brief) is None
    assert MIN_CHARS <= len(text) <= MAX_CHARS
    for keyword in brief.keywords:
        assert keyword.lower() in text.lower()
    assert brief.name in text
    assert numbers_in(text) <= numbers_in(" ".join((brief.name, *brief.keywords)))


def test_two_different_products_never_get_the_same_text():
    texts = [write_description(b) for b in briefs()]

    assert len(set(texts)) == len(texts)


def test_the_shapes_vary_not_only_the_names():
    """With the product's own words masked, the texts still differ in their sentences."""
    shapes = set()
    for brief in briefs():
        text = write_description(brief)
        for word in (brief.name, *brief.keywords):
            text = text.replace(word, "<x>").replace(word[:1].upper() + word[1:], "<x>")
        shapes.add(text)
    assert len(shapes) >= len(briefs()) // 2


def test_a_keyword_whose_case_means_something_is_kept_as_written():
    for tone in TONE_NAMES:
        brief = Brief("Case", "phones", ("iPhone", "MagSafe"), tone)
        text = write_description(brief)
        assert "iPhone" in text and "MagSafe" in text


def test_the_same_product_gets_the_same_text():
    brief = Brief("Aria Headphones", "audio", ("wireless",), "playful")
    assert write_description(brief) == write_description(brief)


def test_the_category_is_spoken_of_in_its_own_words():
    kitchen = write_description(Brief("Skillet", "kitchen", ("cast iron",), "professional"))
    books = write_description(Brief("Skillet", "books", ("cast iron",), "professional"))
    garden = write_description(Brief("Skillet", "garden-tools", ("cast iron",), "professional"))

    assert "kitchen" in kitchen.lower() or "meals" in kitchen.lower()
    assert "book" in books.lower() or "pages" in books.lower() or "story" in books.lower()
    assert "garden tools" in garden.lower()


def test_the_tone_changes_the_voice():
    brief = Brief("Aria Headphones", "audio", ("wireless", "foldable"), "minimal")
    minimal = write_description(brief)
    luxurious = write_description(Brief(brief.name, brief.category, brief.keywords, "luxurious"))

    assert len(minimal) < len(luxurious)
    assert re.search(r"savour|indulge|refine|exquisite|grace|perfect|luxury", luxurious.lower())


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("Short.", "length"),
        ("The Aria Headphones bring wireless listening to every day " * 3, "missing_keyword"),
        (
            "The Aria Headphones are foldable and wireless, with 60 hours of battery " * 2,
            "invented_number",
        ),
        ("x" * (MAX_CHARS + 1), "length"),
    ],
)
def test_copy_that_misses_the_brief_is_refused(text, problem):
    brief = Brief("Aria Headphones", "audio", ("wireless", "foldable"), "friendly")
    assert check_description(text, brief) == problem
