"""Every main page at phone and desktop width: no serious or critical axe-core violation, no
sideways scrolling at 375 px, and a screenshot of each (tests/browser/artifacts/)."""

import json
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from helpers import DESKTOP, PHONE, Catalog, add_to_cart, fill_checkout, screenshot, sign_up

pytestmark = pytest.mark.timeout(900)

AXE = Path(__file__).resolve().parents[2] / "frontend" / "node_modules" / "axe-core" / "axe.min.js"


def serious_violations(page: Page) -> list[str]:
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        """async () => {
            const r = await axe.run(document, {
              runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"] },
            });
            return r.violations
              .filter(v => v.impact === "serious" || v.impact === "critical")
              .map(v => ({ id: v.id, impact: v.impact, help: v.help,
                           nodes: v.nodes.slice(0, 3).map(n => n.target.join(" ")) }));
        }"""
    )
    return [json.dumps(v) for v in result]


def check(page: Page, name: str) -> None:
    """At both widths: axe-core, no horizontal scroll at phone width, screenshots."""
    problems: list[str] = []
    for label, size in (("phone", PHONE), ("desktop", DESKTOP)):
        page.set_viewport_size(size)
        page.wait_for_timeout(150)
        problems += [f"{name} @ {label}: {v}" for v in serious_violations(page)]
        if label == "phone":
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            if overflow > 0:
                problems.append(f"{name} @ {label}: scrolls sideways by {overflow} px")
        screenshot(page, f"{name}-{label}")
    assert not problems, "\n".join(problems)


def test_every_main_page_is_accessible_and_fits_a_phone(page: Page, catalog: Catalog) -> None:
    page.goto("/")
    expect(page.get_by_role("heading", name="Shop by category")).to_be_visible()
    check(page, "home")

    page.goto("/products?q=lamp&in_stock=1")
    expect(page.get_by_test_id("product-card").first).to_be_visible()
    check(page, "search")

    page.goto(f"/products/{catalog.scarce}")
    expect(page.get_by_test_id("related")).to_be_visible()
    check(page, "product")

    page.goto("/login")
    check(page, "login")
    page.goto("/signup")
    check(page, "signup")

    add_to_cart(page, catalog.lamp)
    page.goto("/cart")
    expect(page.get_by_test_id("cart-line")).to_have_count(1)
    check(page, "cart-guest")

    sign_up(page)
    page.goto("/checkout")
    check(page, "checkout")
    fill_checkout(page)
    page.get_by_role("button", name="Place order").click()
    page.wait_for_url(re.compile(r"/account/orders/"))
    expect(page.get_by_test_id("order-status")).not_to_have_text("Awaiting payment", timeout=30_000)
    check(page, "order")

    page.goto("/account")
    expect(page.get_by_test_id("order-row")).to_have_count(1)
    check(page, "account")


def test_checkout_works_from_the_keyboard_alone(page: Page, catalog: Catalog) -> None:
    sign_up(page)
    add_to_cart(page, catalog.mug)
    page.goto("/checkout")
    page.get_by_label("Full name").focus()
    # Each field, then Tab to the next: the address, then the card number.
    for text in ("Grace Hopper", "1 Navy Way", "Arlington", "22201", "US"):
        page.keyboard.type(text)
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "card_number"
    page.keyboard.type("4242424242424242")
    page.keyboard.press("Tab")
    page.keyboard.type("12/34")
    page.keyboard.press("Tab")
    page.keyboard.type("123")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/account/orders/"))
    expect(page.get_by_test_id("order-status")).to_have_text("Paid", timeout=30_000)
