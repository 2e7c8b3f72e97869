"""The shopper's journeys through the storefront, in Chromium, against the real fleet."""

import re
import time
from collections.abc import Callable

import httpx
import pytest
from playwright.sync_api import Error, Page, expect

from fleet import Fleet
from helpers import Catalog, access_token, add_to_cart, fill_checkout, sign_up

pytestmark = pytest.mark.timeout(600)


def orders_of(fleet: Fleet, page: Page) -> list[dict[str, object]]:
    resp = httpx.get(
        f"{fleet.gateway}/api/orders",
        headers={"Authorization": f"Bearer {access_token(page)}"},
        timeout=10,
    )
    resp.raise_for_status()
    return list(resp.json()["items"])


def stock_of(fleet: Fleet, product_id: str) -> int:
    resp = httpx.get(f"{fleet.gateway}/api/inventory/{product_id}", timeout=10)
    resp.raise_for_status()
    return int(resp.json()["stock"])


def outcome(tab: Page, timeout: float = 30) -> str:
    """Where a checkout attempt ended: on its order's page, or with a message on the form."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if "/account/orders/" in tab.url:
            return "order"
        try:
            if tab.locator("#checkout-error").count():
                return "refused"
        except Error:
            pass  # the page was navigating
        tab.wait_for_timeout(100)
    return "undecided"


def test_a_guest_finds_products_fills_a_cart_and_keeps_it_when_signing_up(
    page: Page, catalog: Catalog
) -> None:
    # A search with a typo and a filter, from the header's search box.
    page.goto("/")
    page.get_by_role("searchbox", name="Search products").fill("walnutt lamp")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/products\?q=walnutt"))
    page.get_by_label("Only show items in stock").check()
    page.wait_for_url(re.compile(r"in_stock=1"))
    page.get_by_role("link", name=re.compile("Walnut Desk Lamp")).first.click()

    # The product page: picture, price, stock state, description, related products with reasons.
    page.wait_for_url(f"**/products/{catalog.lamp}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Walnut Desk Lamp")
    expect(page.get_by_text("$49.99").first).to_be_visible()
    expect(page.get_by_test_id("stock").first).to_have_text("In stock")
    expect(page.get_by_text("walnut base")).to_be_visible()
    related = page.get_by_test_id("related")
    expect(related.get_by_test_id("product-card").first).to_be_visible()
    assert related.get_by_test_id("product-card").count() >= 1
    expect(related.get_by_test_id("product-card").first.locator("p").last).not_to_be_empty()

    page.get_by_label("Quantity").fill("2")
    page.get_by_role("button", name="Add to cart").click()
    expect(page.get_by_text("Added 2 to your cart.")).to_be_visible()

    # The scarce lamp says how many are left; the guest adds one.
    page.goto(f"/products/{catalog.scarce}")
    expect(page.get_by_test_id("stock").first).to_have_text("Only 3 left")
    page.get_by_role("button", name="Add to cart").click()
    expect(page.get_by_text("Added to your cart.")).to_be_visible()
    page.goto(f"/products/{catalog.sold_out}")
    expect(page.get_by_test_id("stock").first).to_have_text("Out of stock")
    expect(page.get_by_role("button", name="Add to cart")).to_have_count(0)

    page.goto("/cart")
    expect(page.get_by_test_id("cart-line")).to_have_count(2)
    expect(page.get_by_test_id("cart-total")).to_have_text("$188.98")
    # The guest cart lives in a signed, httpOnly cookie: no script can read or forge it.
    assert page.evaluate("document.cookie") == ""
    assert page.evaluate("Object.keys(localStorage).length") == 0

    sign_up(page)
    page.wait_for_url("**/cart")
    lines = page.get_by_test_id("cart-line")
    expect(lines).to_have_count(2)
    expect(
        lines.filter(has_text="Walnut Desk Lamp").get_by_label(re.compile("Quantity"))
    ).to_have_value("2")
    expect(
        lines.filter(has_text="Brass Reading Lamp").get_by_label(re.compile("Quantity"))
    ).to_have_value("1")
    expect(page.get_by_test_id("cart-total")).to_have_text("$188.98")
    expect(page.get_by_role("link", name="Check out")).to_be_visible()


def test_a_merge_caps_quantities_by_stock_with_a_notice(page: Page, catalog: Catalog) -> None:
    add_to_cart(page, catalog.scarce, 3)
    email = sign_up(page)
    expect(page.get_by_test_id("cart-line")).to_have_count(1)
    # Logged out, the guest wants 2 more of a product with 3 in stock: the account keeps 3.
    page.get_by_role("button", name="Log out").first.click()
    page.wait_for_url("**/login?logged_out=1")
    add_to_cart(page, catalog.scarce, 2)
    page.goto("/login")
    page.get_by_label("Email or username").fill(email)
    page.get_by_label("Password").fill("correct-horse-9")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/cart")
    expect(page.get_by_role("status").filter(has_text="only 3 in stock")).to_be_visible()
    expect(page.get_by_test_id("cart-line").get_by_label(re.compile("Quantity"))).to_have_value("3")


def test_checkout_with_an_approved_card_is_followed_live_to_paid(
    page: Page, catalog: Catalog
) -> None:
    sign_up(page)
    add_to_cart(page, catalog.mug, 2)
    page.goto("/cart")
    page.get_by_role("link", name="Check out").click()
    page.wait_for_url("**/checkout")
    expect(page.locator("#test-cards")).to_contain_text("4242 4242 4242 4242")  # listed
    fill_checkout(page)
    page.get_by_role("button", name="Place order").click()
    page.wait_for_url(re.compile(r"/account/orders/[0-9a-f-]{36}\?placed=1"))
    page.evaluate("window.__sameDocument = true")
    expect(page.get_by_test_id("order-status")).to_have_text("Paid", timeout=30_000)
    assert page.evaluate("window.__sameDocument === true"), "the page reloaded"
    order_url = page.url.split("?")[0]

    page.goto("/account")
    row = page.get_by_test_id("order-row").first
    expect(row).to_contain_text("$37.00")
    expect(row).to_contain_text("Paid")
    row.click()
    page.wait_for_url(order_url)
    timeline = page.get_by_test_id("timeline")
    expect(timeline).to_contain_text("Awaiting payment")
    expect(timeline).to_contain_text("Paid")
    page.goto("/cart")
    expect(page.get_by_text("Your cart is empty")).to_be_visible()


def test_a_price_change_during_checkout_shows_the_new_total_and_asks_again(
    page: Page, fleet: Fleet, new_product: Callable[..., str], admin_headers: dict[str, str]
) -> None:
    product = new_product("Linen Tea Towel", 1200, 20)
    sign_up(page)
    add_to_cart(page, product, 2)
    page.goto("/checkout")
    expect(page.get_by_test_id("checkout-total")).to_have_text("$24.00")
    fill_checkout(page)
    # The shop raises the price while the shopper fills in the form.
    httpx.patch(
        f"{fleet.gateway}/api/products/{product}",
        json={"price_cents": 1500},
        headers=admin_headers,
        timeout=10,
    ).raise_for_status()

    def cart_total() -> int:
        resp = httpx.get(
            f"{fleet.gateway}/api/cart",
            headers={"Authorization": f"Bearer {access_token(page)}"},
            timeout=10,
        )
        return int(resp.json()["total_cents"])

    deadline = time.monotonic() + 30
    while cart_total() != 3000 and time.monotonic() < deadline:
        time.sleep(0.2)
    page.get_by_role("button", name="Place order").click()
    expect(page.locator("#checkout-error")).to_contain_text("The new total is $30.00")
    expect(page.get_by_test_id("checkout-total")).to_have_text("$30.00")
    assert orders_of(fleet, page) == []
    # Asked again, the shopper accepts the new total: one order, at the new price.
    page.get_by_role("button", name="Place order").click()
    page.wait_for_url(re.compile(r"/account/orders/"))
    expect(page.get_by_test_id("order-status")).to_have_text("Paid", timeout=30_000)
    orders = orders_of(fleet, page)
    assert [o["total_cents"] for o in orders] == [3000]


def test_a_declined_card_cancels_the_order_with_its_reason_and_keeps_the_stock(
    page: Page, catalog: Catalog, fleet: Fleet
) -> None:
    before = stock_of(fleet, catalog.lamp)
    sign_up(page)
    add_to_cart(page, catalog.lamp, 1)
    page.goto("/checkout")
    page.get_by_role("button", name="Use 4000 0000 0000 0002").click()
    expect(page.get_by_label("Card number")).to_have_value("4000 0000 0000 0002")
    fill_checkout(page, card="4000 0000 0000 0002")
    page.get_by_role("button", name="Place order").click()
    page.wait_for_url(re.compile(r"/account/orders/"))
    expect(page.get_by_test_id("order-status")).to_have_text("Cancelled", timeout=30_000)
    expect(page.get_by_test_id("cancel-reason")).to_have_text(
        "This order was cancelled because your card was declined."
    )
    assert stock_of(fleet, catalog.lamp) == before


def test_a_double_click_and_a_second_tab_make_one_order(
    page: Page, catalog: Catalog, fleet: Fleet
) -> None:
    sign_up(page)
    add_to_cart(page, catalog.mug, 1)
    second = page.context.new_page()
    for tab in (page, second):
        tab.goto("/checkout")
        fill_checkout(tab)
    # A double click in one tab and, at once, a click in the other: two attempts (two
    # Idempotency-Keys) for the same cart.
    page.get_by_role("button", name="Place order").dblclick(no_wait_after=True)
    second.get_by_role("button", name="Place order").click(no_wait_after=True)
    # One tab shows its order; the other says why it made none and where the order is.
    outcomes = {id(tab): outcome(tab) for tab in (page, second)}
    placed = [tab for tab in (page, second) if outcomes[id(tab)] == "order"]
    refused = [tab for tab in (page, second) if outcomes[id(tab)] == "refused"]
    assert len(placed) == 1 and len(refused) == 1, outcomes
    expect(refused[0].locator("#checkout-error")).to_contain_text(
        re.compile(r"already been checked out|may have just been checked out")
    )
    expect(refused[0].get_by_role("link", name="Your orders")).to_be_visible()
    orders = orders_of(fleet, page)
    assert len(orders) == 1, orders


def test_account_pages_need_a_login_and_logout_really_logs_out(
    page: Page, catalog: Catalog, fleet: Fleet
) -> None:
    page.goto("/account")
    page.wait_for_url("**/login?next=%2Faccount")
    page.goto("/account/orders/00000000-0000-4000-8000-000000000000")
    page.wait_for_url(re.compile(r"/login\?next="))
    page.goto("/checkout")
    page.wait_for_url("**/login?next=%2Fcheckout")

    email = sign_up(page)
    page.goto("/account")
    expect(page.get_by_test_id("account-user")).to_contain_text(email)
    token = access_token(page)
    page.get_by_role("button", name="Log out").last.click()
    page.wait_for_url("**/login?logged_out=1")
    assert not [c for c in page.context.cookies() if c["name"] in ("shop_at", "shop_rt")]
    # The token the browser held is dead at the API too.
    me = httpx.get(
        f"{fleet.gateway}/api/auth/me", headers={"Authorization": f"Bearer {token}"}, timeout=10
    )
    assert me.status_code == 401
    # The back button shows no account data: the account page is asked for again and sends
    # the browser to log in.
    page.go_back()
    page.wait_for_url(re.compile(r"/login\?next=%2Faccount"))
    expect(page.get_by_text(email)).to_have_count(0)


def test_an_expired_access_token_is_refreshed_with_the_rotating_refresh_token(
    page: Page, catalog: Catalog, fleet: Fleet
) -> None:
    email = sign_up(page)
    cookies = {c["name"]: c for c in page.context.cookies()}
    assert cookies["shop_at"]["httpOnly"] and cookies["shop_rt"]["httpOnly"]
    assert cookies["shop_at"]["sameSite"] == "Lax"
    old_refresh = cookies["shop_rt"]["value"]
    # The access cookie lives as long as the token: the browser drops it when it expires.
    page.context.clear_cookies(name="shop_at")
    page.goto("/account")
    expect(page.get_by_test_id("account-user")).to_contain_text(email)
    renewed = {c["name"]: c["value"] for c in page.context.cookies()}
    assert renewed["shop_at"] and renewed["shop_rt"] != old_refresh
    # The old refresh token was used up (rotation).
    reuse = httpx.post(
        f"{fleet.gateway}/api/auth/refresh", json={"refresh_token": old_refresh}, timeout=10
    )
    assert reuse.status_code == 401
