"""The catalog: search as you type with typos, facets, sorting and paging, all in the URL."""

import re
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import Page, expect

from helpers import Catalog

# The first test also waits for the fleet and the production build.
pytestmark = pytest.mark.timeout(600)


def query(page: Page) -> dict[str, list[str]]:
    return parse_qs(urlparse(page.url).query)


def test_search_as_you_type_with_a_typo_filters_and_the_back_button(
    page: Page, catalog: Catalog
) -> None:
    page.goto("/products")
    expect(page.get_by_role("heading", name="Catalog")).to_be_visible()

    # Typing (with a misspelling) updates the URL and the results after a pause, no submit.
    page.get_by_label("Search the catalog").press_sequentially("walnutt lamp", delay=40)
    page.wait_for_url(re.compile(r"q=walnutt\+lamp"))
    first = page.get_by_test_id("product-card").first
    expect(first).to_contain_text("Walnut Desk Lamp")

    # A category facet with its count narrows the results and goes into the URL.
    lighting = page.get_by_role("link", name=re.compile(r"^Lighting \d+ products$", re.I))
    expect(lighting).to_be_visible()
    lighting.click()
    page.wait_for_url(re.compile(r"category=lighting", re.I))
    assert query(page)["q"] == ["walnutt lamp"]
    for card in page.get_by_test_id("product-card").all():
        expect(card).to_contain_text(re.compile("lighting", re.I))

    # Only in stock: the sold-out lamp disappears; the URL says so.
    page.goto("/products?q=lamp&category=Lighting")
    expect(page.get_by_text("Ceramic Table Lamp")).to_be_visible()
    page.get_by_label("Only show items in stock").check()
    page.wait_for_url(re.compile(r"in_stock=1"))
    expect(page.get_by_text("Ceramic Table Lamp")).to_have_count(0)

    # Sorting by price (high to low) is in the URL and orders the cards.
    page.get_by_label("Sort by").select_option("price_desc")
    page.wait_for_url(re.compile(r"sort=price_desc"))
    prices = [
        float(re.sub(r"[^\d.]", "", text))
        for text in page.get_by_test_id("product-card").locator(".font-bold").all_inner_texts()
    ]
    assert prices == sorted(prices, reverse=True) and len(prices) >= 2

    # The back button restores the previous state, and the page is server-rendered from the URL.
    page.go_back()
    page.wait_for_url(lambda url: "sort=" not in url)
    expect(page.get_by_label("Only show items in stock")).to_be_checked()


def test_price_filter_and_pagination_keep_the_state_in_the_url(
    page: Page, catalog: Catalog
) -> None:
    page.goto("/products")
    total = int(page.get_by_test_id("result-count").inner_text().split()[0])
    assert total > 12, "the demo catalog fills more than one page"
    page.get_by_role("link", name="Next").first.click()
    page.wait_for_url(re.compile(r"page=2"))
    expect(page.locator("[aria-current=page]")).to_have_text("2")

    page.get_by_label("Min ($)").fill("40")
    page.get_by_label("Max ($)").fill("60")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url(re.compile(r"min=40&max=60"))
    assert "page" not in query(page), "a new filter starts at page 1"
    for text in page.get_by_test_id("product-card").locator(".font-bold").all_inner_texts():
        assert 40 <= float(re.sub(r"[^\d.]", "", text)) <= 60

    # The same URL opened fresh (a shared link) shows the same results without any typing.
    shared = page.url
    fresh = page.context.new_page()
    fresh.goto(shared)
    expect(fresh.get_by_label("Min ($)")).to_have_value("40")
    assert (
        fresh.get_by_test_id("product-card").count() == page.get_by_test_id("product-card").count()
    )
