"""The admin pages in a real browser against the real fleet (analytics and recommendations
included): a sale seen on the dashboard, a product made with an AI description, stock, the
storefront's search, deletion; shipping an order the customer then sees."""

import re
import uuid
from collections.abc import Callable

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from fleet import Fleet
from frontend import Frontend
from helpers import access_token, add_to_cart, fill_checkout, screenshot, sign_up
from shopper import ADDRESS

pytestmark = pytest.mark.timeout(900)


def log_in_as_admin(page: Page, fleet: Fleet, next_path: str = "/admin") -> None:
    page.goto(f"/login?next={next_path}")
    page.get_by_label("Email or username").fill(fleet.admin_email)
    page.get_by_label("Password").fill(fleet.admin_password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: "/login" not in url)


def buy(page: Page, product_id: str, quantity: int = 1) -> str:
    """Sign up, buy, wait until paid; returns the order's id."""
    sign_up(page)
    add_to_cart(page, product_id, quantity)
    page.goto("/checkout")
    fill_checkout(page)
    page.get_by_role("button", name="Place order").click()
    page.wait_for_url(re.compile(r"/account/orders/[0-9a-f-]{36}"))
    expect(page.get_by_test_id("order-status")).to_have_text("Paid", timeout=30_000)
    return page.url.split("/account/orders/")[1].split("?")[0]


def dollars(text: str) -> float:
    return float(re.sub(r"[^\d.]", "", text))


def test_dashboard_sale_then_a_product_with_an_ai_description_from_creation_to_deletion(
    browser: Browser,
    page: Page,
    fleet: Fleet,
    storefront: Frontend,
    new_product: Callable[..., str],
) -> None:
    tag = uuid.uuid4().hex[:6]
    star = f"Grand Atlas Globe {tag}"
    star_id = new_product(star, 750_000, 5)
    shopper = browser.new_context(base_url=storefront.url)
    try:
        buy(shopper.new_page(), star_id)
    finally:
        shopper.close()

    # The dashboard: the sale in today's revenue and the top product (the events arrive shortly).
    log_in_as_admin(page, fleet)
    page.goto("/admin?range=today")
    top = page.get_by_test_id("top-products")
    for _ in range(30):
        if top.count() and star in top.inner_text():
            break
        page.wait_for_timeout(1000)
        page.reload()
    expect(top.locator("li").first).to_contain_text(star)
    expect(top.locator("li").first).to_contain_text("$7,500.00")
    assert dollars(page.get_by_test_id("kpi-revenue").locator("p").nth(1).inner_text()) >= 7500
    expect(page.get_by_test_id("sales-chart").locator(".recharts-line-curve")).to_be_visible()
    screenshot(page, "admin-dashboard-sale")

    # A new product with a description from the local writer (no Gemini key in the fleet).
    name = f"Copper Kettle {tag}"
    page.goto("/admin/products/new")
    page.get_by_label("Name", exact=True).fill(name)
    page.get_by_label("Category").fill("Kitchen")
    page.get_by_label("Price (USD)").fill("39.50")
    page.get_by_label("Keywords (comma separated)").fill("whistling, hand-hammered")
    page.get_by_label("Tone").select_option("professional")
    page.get_by_role("button", name="Write with AI").click()
    expect(page.get_by_test_id("ai-source")).to_contain_text("local writer")
    description = page.get_by_label("Description", exact=True)
    expect(description).to_have_value(re.compile("hand-hammered", re.IGNORECASE))
    description.fill(description.input_value() + " Edited by hand.")
    page.get_by_label("Attribute 1 name").fill("material")
    page.get_by_label("Attribute 1 value").fill("copper")
    page.get_by_label("Image URL").fill(
        "/api/products/00000000-0000-4000-8000-000000000000/image.svg"
    )
    expect(page.get_by_test_id("image-preview")).to_be_visible()

    # A bad image URL is refused by the service and shown next to its field; nothing typed is lost.
    page.get_by_label("Image URL").fill("ftp://nope")
    page.get_by_role("button", name="Create product").click()
    expect(page.get_by_test_id("error-image_url-error")).to_be_visible()
    expect(page.get_by_label("Name", exact=True)).to_have_value(name)
    page.get_by_label("Image URL").fill("")
    page.get_by_role("button", name="Create product").click()
    page.wait_for_url(re.compile(r"/admin/products\?saved="))
    product_id = page.url.split("saved=")[1]

    # Its stock: set, then adjusted with a reason.
    page.goto(f"/admin/products/{product_id}")
    expect(page.get_by_label("Description", exact=True)).to_have_value(
        re.compile("Edited by hand.")
    )
    expect(page.get_by_label("Attribute 1 value")).to_have_value("copper")
    page.get_by_label("Units", exact=True).fill("7")
    page.get_by_role("button", name="Set stock").click()
    expect(page.get_by_text("Stock set to 7.")).to_be_visible()
    page.get_by_label("Units ±").fill("3")
    page.get_by_label("Reason").select_option("restock")
    page.get_by_role("button", name="Adjust").click()
    expect(page.get_by_text("Stock is now 10.")).to_be_visible()

    # The low-stock view lists it under 11 and links to it.
    row = page.get_by_test_id("stock-row").filter(has_text=name)
    for number in range(1, 50):  # other products may have little stock too: page through
        page.goto(f"/admin/stock?below=11&page={number}")
        expect(page.get_by_test_id("stock-list")).to_be_visible()
        if row.count() or not page.get_by_role("link", name="Next").count():
            break
    expect(row).to_contain_text("10 units")
    row.get_by_role("link", name=name).click()
    page.wait_for_url(f"**/admin/products/{product_id}")

    # The storefront finds it, in stock.
    page.goto(f"/products?q={tag}+kettle")
    card = page.get_by_test_id("product-card").filter(has_text=name)
    expect(card).to_have_count(1)

    # Deleted with a confirmation: gone from the admin list and the storefront.
    page.goto(f"/admin/products?q={tag}")
    row = page.get_by_test_id("product-row").filter(has_text=name)
    row.get_by_role("button", name="Delete").click()
    row.get_by_role("button", name="Yes, delete").click()
    page.wait_for_url(re.compile(r"deleted=1"))
    expect(page.get_by_role("status").filter(has_text="The product is deleted.")).to_be_visible()
    page.goto(f"/products?q={tag}+kettle")
    expect(page.get_by_test_id("product-card").filter(has_text=name)).to_have_count(0)
    # (The shop's pages stream behind a loading state, so "not found" comes as the page's content.)
    page.goto(f"/products/{product_id}")
    expect(page.get_by_text("This product is not in the catalog")).to_be_visible()
    expect(page.get_by_role("button", name="Add to cart")).to_have_count(0)


def test_the_admin_ships_a_paid_order_and_the_customer_sees_it_shipped(
    browser: Browser,
    page: Page,
    fleet: Fleet,
    storefront: Frontend,
    new_product: Callable[..., str],
) -> None:
    product_id = new_product(f"Linen Apron {uuid.uuid4().hex[:6]}", 2400, 10)
    customer = browser.new_context(base_url=storefront.url)
    try:
        shopper = customer.new_page()
        order_id = buy(shopper, product_id, 2)

        log_in_as_admin(page, fleet)
        page.goto("/admin/orders?status=PAID")
        page.get_by_role("link", name=order_id[:8]).click()
        page.wait_for_url(f"**/admin/orders/{order_id}")
        expect(page.get_by_test_id("payment-summary")).to_contain_text("4242")
        expect(page.get_by_role("button", name="Cancel order")).to_have_count(0)
        page.get_by_role("button", name="Mark as shipped").click()
        page.get_by_role("button", name="Yes, shipped").click()
        # The page shows the new status at once, and so does a fresh load.
        expect(page.get_by_test_id("order-status")).to_have_text("Shipped")
        page.reload()
        expect(page.get_by_test_id("order-status")).to_have_text("Shipped")
        expect(page.get_by_role("button", name="Mark as shipped")).to_have_count(0)
        expect(page.get_by_test_id("timeline")).to_contain_text("Shipped")

        shopper.goto("/account")
        expect(shopper.get_by_test_id("order-row").first).to_contain_text("Shipped")
        shopper.goto(f"/account/orders/{order_id}")
        expect(shopper.get_by_test_id("order-status")).to_have_text("Shipped")
        timeline = shopper.get_by_test_id("timeline")
        expect(timeline).to_contain_text("Paid")
        expect(timeline).to_contain_text("Shipped")
        screenshot(shopper, "customer-order-shipped")
    finally:
        customer.close()


def test_the_admin_cancels_a_pending_order_and_no_charge_is_kept(
    browser: Browser,
    page: Page,
    fleet: Fleet,
    storefront: Frontend,
    new_product: Callable[..., str],
) -> None:
    """An order stays PENDING while the payment service is away; the admin cancels it. The
    payment service, back, finds the order cancelled and keeps no charge for it (a decline
    recorded for the cancellation, or a refund if its charge came first)."""
    product_id = new_product(f"Copper Kettle {uuid.uuid4().hex[:6]}", 5600, 10)
    customer = browser.new_context(base_url=storefront.url)
    try:
        shopper = customer.new_page()
        sign_up(shopper)
        add_to_cart(shopper, product_id, 1)
        fleet.stop("payment")
        try:
            # The storefront's checkout tokenises the card at the payment service, which is
            # away: the order is placed with a test token through the API instead.
            placed = httpx.post(
                f"{fleet.gateway}/api/orders",
                json={"payment_method": "pm_card_visa", "shipping_address": ADDRESS},
                headers={
                    "Authorization": f"Bearer {access_token(shopper)}",
                    "Idempotency-Key": str(uuid.uuid4()),
                },
                timeout=10,
            )
            assert placed.status_code == 201, placed.text
            order_id = placed.json()["id"]
            shopper.goto(f"/account/orders/{order_id}")
            expect(shopper.get_by_test_id("order-status")).to_have_text("Awaiting payment")

            log_in_as_admin(page, fleet)
            page.goto("/admin/orders?status=PENDING")
            page.get_by_role("link", name=order_id[:8]).click()
            page.wait_for_url(f"**/admin/orders/{order_id}")
            # A pending order can be cancelled, not shipped.
            expect(page.get_by_role("button", name="Mark as shipped")).to_have_count(0)
            page.get_by_role("button", name="Cancel order").click()
            page.get_by_role("button", name="Yes, cancel it").click()
            expect(page.get_by_test_id("order-status")).to_have_text("Cancelled")
            expect(page.get_by_role("button", name="Cancel order")).to_have_count(0)
            screenshot(page, "admin-order-cancelled")
        finally:
            fleet.start("payment")
            fleet.wait_ready(["payment"])

        # The customer's page follows the order to its end without a reload.
        expect(shopper.get_by_test_id("order-status")).to_have_text("Cancelled", timeout=30_000)
        attempts = page.get_by_role("region", name="Payment attempts")
        for _ in range(60):
            page.reload()
            if attempts.count() and re.search("DECLINED|REFUNDED", attempts.inner_text()):
                break
            page.wait_for_timeout(500)
        expect(attempts).to_contain_text(re.compile("DECLINED|REFUNDED"))
        expect(attempts).not_to_contain_text("APPROVED")
        expect(page.get_by_test_id("order-status")).to_have_text("Cancelled")
    finally:
        customer.close()


ADMIN_PAGES = [
    "/admin",
    "/admin/products",
    "/admin/products/new",
    "/admin/stock",
    "/admin/orders",
    "/admin/users",
]
# What only an admin page's HTML holds (tables, figures) and what only an admin may read.
ADMIN_MARKERS = [
    "products-table",
    "orders-table",
    "users-table",
    "stock-list",
    "kpi-revenue",
    "Write with AI",
]


def test_customers_and_visitors_are_refused_on_the_server(page: Page, fleet: Fleet) -> None:
    # Logged out: the server answers with a redirect to the login page, and no admin HTML.
    for path in ADMIN_PAGES:
        response = page.request.get(path, max_redirects=0)
        assert response.status in (303, 307, 308), (path, response.status)
        assert "/login" in response.headers["location"], (path, response.headers)
        body = response.text()
        assert not any(m in body for m in ADMIN_MARKERS), path

    # A customer: 403, and the HTML sent holds the refusal and none of the admin data.
    sign_up(page)
    for path in ADMIN_PAGES:
        response = page.request.get(path)
        body = response.text()
        assert response.status == 403, (path, response.status)
        assert "Admins only" in body, path
        leaked = [m for m in [*ADMIN_MARKERS, fleet.admin_email] if m in body]
        assert not leaked, (path, leaked)
    page.goto("/admin/users")
    expect(page.get_by_role("heading", name="Admins only")).to_be_visible()
    expect(page.get_by_test_id("users-table")).to_have_count(0)
