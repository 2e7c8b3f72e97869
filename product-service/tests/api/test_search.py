"""Searching the catalog the way a shopper does: typos, half-typed words, filters, sorting,
facets and pages, against a small catalog whose every answer is known."""

from datetime import datetime

import pytest
from product_service_tests_factories import names

CATALOG = [
    {
        "name": "Aria Wireless Over-Ear Headphones",
        "category": "audio",
        "price_cents": 19999,
        "stock": 10,
        "description": "Forty hours of battery and active noise cancelling.",
    },
    {
        "name": "Nordvik Studio Headphones",
        "category": "Audio",
        "price_cents": 8999,
        "stock": 0,
        "description": "Closed-back and comfortable for long mixing sessions.",
    },
    {
        "name": "Kestrel Bluetooth Speaker",
        "category": "audio",
        "price_cents": 4999,
        "stock": 3,
        "description": "Waterproof, with deep bass.",
    },
    {
        "name": "Vertex Mechanical Keyboard",
        "category": "computers",
        "price_cents": 12999,
        "stock": 7,
        "description": "Hot-swappable switches and a solid aluminium case.",
    },
    {
        "name": "Lumen Wireless Mouse",
        "category": "computers",
        "price_cents": 2999,
        "stock": 0,
        "description": "Silent clicks for shared offices.",
    },
    {
        "name": "Atlas USB-C Dock",
        "category": "computers",
        "price_cents": 7999,
        "stock": 4,
        "description": "Four USB ports, Ethernet and a headphone jack.",
    },
    {
        "name": "Hestia Espresso Machine",
        "category": "kitchen",
        "price_cents": 49999,
        "stock": 2,
        "description": "A 15-bar pump and a steam wand.",
    },
    {
        "name": "culina Chef's Knife",
        "category": "kitchen",
        "price_cents": 5999,
        "stock": 12,
        "description": "High-carbon steel that holds its edge.",
    },
    {
        "name": "Haven Desk Lamp",
        "category": "Home & Office",
        "price_cents": 3999,
        "stock": 6,
        "description": "Warm light with five brightness levels.",
    },
]


@pytest.fixture
async def products(catalog):
    return await catalog.add_many(*CATALOG)


async def test_a_misspelt_word_finds_what_it_means_and_says_what_it_searched(catalog, products):
    page = await catalog.search(q="hedphones")

    assert set(names(page)) == {
        "Aria Wireless Over-Ear Headphones",
        "Nordvik Studio Headphones",
        "Atlas USB-C Dock",
    }
    assert page["corrected_query"] == "headphones"
    assert page["total"] == 3


async def test_a_correctly_spelt_search_reports_no_correction(catalog, products):
    page = await catalog.search(q="headphones")

    assert page["corrected_query"] is None
    assert page["total"] == 3


async def test_the_last_word_is_a_prefix_while_typing(catalog, products):
    typing = await catalog.search(q="head")
    narrowed = await catalog.search(q="wireless head")

    assert set(names(typing)) == {
        "Aria Wireless Over-Ear Headphones",
        "Nordvik Studio Headphones",
        "Atlas USB-C Dock",
    }
    assert names(narrowed) == ["Aria Wireless Over-Ear Headphones"]


async def test_relevance_ranks_name_matches_above_description_matches(catalog, products):
    page = await catalog.search(q="headphones", sort="relevance")

    assert set(names(page)[:2]) == {
        "Aria Wireless Over-Ear Headphones",
        "Nordvik Studio Headphones",
    }
    assert names(page)[2] == "Atlas USB-C Dock"


async def test_words_that_match_nothing_together_still_find_the_known_word(catalog, products):
    page = await catalog.search(q="cheap headphones")

    assert {"Aria Wireless Over-Ear Headphones", "Nordvik Studio Headphones"} <= set(names(page))
    assert page["corrected_query"] is None


async def test_a_search_that_matches_nothing_has_empty_facets(catalog, products):
    page = await catalog.search(q="zqxjv")

    assert page == {
        "items": [],
        "total": 0,
        "limit": 20,
        "offset": 0,
        "facets": {"categories": [], "price": {"min_cents": None, "max_cents": None}},
        "corrected_query": None,
    }


async def test_category_filter_is_exact_and_compares_slugs(catalog, products):
    audio = await catalog.search(category="AUDIO")
    office = await catalog.search(category="home & office")

    assert set(names(audio)) == {
        "Aria Wireless Over-Ear Headphones",
        "Nordvik Studio Headphones",
        "Kestrel Bluetooth Speaker",
    }
    assert {item["category"] for item in audio["items"]} == {"audio"}
    assert names(office) == ["Haven Desk Lamp"]
    assert office["items"][0]["category"] == "home-office"


async def test_a_category_without_letters_or_digits_matches_nothing(catalog, products):
    page = await catalog.search(category="&&")

    assert page["total"] == 0 and page["items"] == []


async def test_price_bounds_are_inclusive(catalog, products):
    page = await catalog.search(min_price_cents=4999, max_price_cents=12999, limit=100)

    expected = {p["name"] for p in CATALOG if 4999 <= p["price_cents"] <= 12999}
    assert set(names(page)) == expected
    assert page["total"] == len(expected)


async def test_in_stock_leaves_out_sold_out_products(catalog, products):
    page = await catalog.search(q="headphones", in_stock="true")
    everything = await catalog.search(in_stock="true", limit=100)

    assert names(page) == ["Aria Wireless Over-Ear Headphones", "Atlas USB-C Dock"]
    assert set(names(everything)) == {p["name"] for p in CATALOG if p["stock"] > 0}
    assert all(item["stock"] > 0 for item in everything["items"])


@pytest.mark.parametrize(
    ("sort", "key", "reverse"),
    [
        ("price_asc", lambda p: p["price_cents"], False),
        ("price_desc", lambda p: p["price_cents"], True),
        ("name", lambda p: p["name"].lower(), False),
        ("newest", lambda p: datetime.fromisoformat(p["created_at"]), True),
    ],
)
async def test_every_sort_order_is_exact(catalog, products, sort, key, reverse):
    page = await catalog.search(sort=sort, limit=100)

    assert names(page) == [p["name"] for p in sorted(products, key=key, reverse=reverse)]


async def test_relevance_without_words_lists_the_newest_first(catalog, products):
    page = await catalog.search(limit=100)

    assert names(page) == [p["name"] for p in reversed(products)]


async def test_sorting_applies_to_the_matches_of_a_search(catalog, products):
    page = await catalog.search(q="wireless", sort="price_asc")

    assert names(page) == ["Lumen Wireless Mouse", "Aria Wireless Over-Ear Headphones"]


async def test_facets_count_the_filtered_matches_but_not_their_own_filter(catalog, products):
    page = await catalog.search(category="audio", max_price_cents=9999, limit=100)

    # Categories: every filter but the category itself; price range: every filter but price.
    in_price = [p for p in CATALOG if p["price_cents"] <= 9999]
    counts: dict[str, int] = {}
    for p in in_price:
        slug = p["category"].lower().replace(" & ", "-")
        counts[slug] = counts.get(slug, 0) + 1
    audio_prices = [p["price_cents"] for p in CATALOG if p["category"].lower() == "audio"]
    assert page["facets"]["categories"] == [
        {"name": name, "count": count}
        for name, count in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    ]
    assert page["facets"]["price"] == {
        "min_cents": min(audio_prices),
        "max_cents": max(audio_prices),
    }
    assert set(names(page)) == {"Nordvik Studio Headphones", "Kestrel Bluetooth Speaker"}
    assert page["total"] == 2


async def test_facets_follow_the_words_of_the_search(catalog, products):
    page = await catalog.search(q="wireless")

    assert page["facets"] == {
        "categories": [{"name": "audio", "count": 1}, {"name": "computers", "count": 1}],
        "price": {"min_cents": 2999, "max_cents": 19999},
    }


async def test_pages_walk_the_whole_result_without_repeats(catalog, products):
    pages = [await catalog.search(sort="price_asc", limit=4, offset=offset) for offset in (0, 4, 8)]

    seen = [name for page in pages for name in names(page)]
    assert [len(page["items"]) for page in pages] == [4, 4, 1]
    assert {page["total"] for page in pages} == {len(CATALOG)}
    assert [(page["limit"], page["offset"]) for page in pages] == [(4, 0), (4, 4), (4, 8)]
    assert seen == [p["name"] for p in sorted(CATALOG, key=lambda p: p["price_cents"])]


async def test_an_offset_past_the_end_is_an_empty_page_with_the_total(catalog, products):
    page = await catalog.search(offset=50)

    assert page["items"] == [] and page["total"] == len(CATALOG)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"limit": 1000}, "limit"),
        ({"limit": 0}, "limit"),
        ({"offset": -1}, "offset"),
        ({"sort": "cheapest"}, "sort"),
        ({"min_price_cents": -5}, "min_price_cents"),
        ({"max_price_cents": 2**40}, "max_price_cents"),
        ({"q": "x" * 201}, "q"),
    ],
)
async def test_out_of_range_parameters_are_refused_naming_the_field(client, params, field):
    response = await client.get("/api/products", params=params)

    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert [d["field"] for d in error["details"]] == [field]


async def test_a_minimum_price_above_the_maximum_matches_nothing(catalog, products):
    page = await catalog.search(min_price_cents=5000, max_price_cents=4000)

    assert page["total"] == 0 and page["items"] == []
    assert page["facets"]["categories"] == []


@pytest.mark.parametrize(
    "q",
    [
        "'&|!:*()",
        "head:* | !phones",
        "'; DROP TABLE products; --",
        "\\",
        '"',
        "(((",
        "<->",
        "über café",
        "headphones\x00",
        "a & b",
        "   ",
    ],
)
async def test_special_characters_in_the_query_never_fail(catalog, products, q):
    page = await catalog.search(q=q)

    assert page["total"] >= 0
    assert isinstance(page["items"], list)


async def test_operators_are_not_obeyed_but_the_words_around_them_are(catalog, products):
    page = await catalog.search(q="!wireless & (mouse | )")

    assert names(page) == ["Lumen Wireless Mouse"]


async def test_deleted_products_leave_search_and_categories(catalog, client, products):
    lamp = next(p for p in products if p["name"] == "Haven Desk Lamp")
    deleted = await client.delete(f"/api/products/{lamp['id']}", headers=catalog.admin)

    page = await catalog.search(q="lamp")
    categories = (await client.get("/api/categories")).json()

    assert deleted.status_code == 204
    assert page["total"] == 0 and page["items"] == []
    assert "home-office" not in {c["name"] for c in categories}


async def test_categories_list_live_products_per_category(catalog, client, products):
    response = await client.get("/api/categories")

    assert response.status_code == 200
    assert response.json() == [
        {"name": "audio", "count": 3},
        {"name": "computers", "count": 3},
        {"name": "home-office", "count": 1},
        {"name": "kitchen", "count": 2},
    ]


async def test_a_search_shows_a_change_made_since_it_last_ran(catalog, client, products):
    before = await catalog.search(q="espresso")
    espresso = before["items"][0]
    await client.patch(
        f"/api/products/{espresso['id']}", json={"price_cents": 45999}, headers=catalog.admin
    )

    after = await catalog.search(q="espresso")

    assert after["items"][0]["price_cents"] == 45999
    assert after["facets"]["price"] == {"min_cents": 45999, "max_cents": 45999}


async def test_a_repeated_search_is_the_same_response_with_its_own_headers(
    catalog, client, products
):
    first = await client.get("/api/products", params={"q": "headphones"})
    again = await client.get(
        "/api/products", params={"q": "Headphones!"}, headers={"X-Request-ID": "req-cached-1"}
    )

    assert again.status_code == 200
    assert again.content == first.content
    assert again.headers["content-type"] == "application/json"
    assert again.headers["x-request-id"] == "req-cached-1"
    assert first.headers["x-request-id"] != "req-cached-1"


async def test_parameters_are_validated_even_when_the_search_is_cached(catalog, client, products):
    await catalog.search(q="headphones", limit=20)

    response = await client.get("/api/products", params={"q": "headphones", "limit": 0})

    assert response.status_code == 422
    assert [d["field"] for d in response.json()["error"]["details"]] == ["limit"]


async def test_a_product_added_shows_in_a_search_that_ran_before(catalog, products):
    before = await catalog.search(q="lamp")
    await catalog.add(name="Orbit Floor Lamp", category="Home & Office", price_cents=8999)

    after = await catalog.search(q="lamp")

    assert after["total"] == before["total"] + 1
    assert "Orbit Floor Lamp" in names(after)
