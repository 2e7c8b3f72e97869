"""Every admin page at phone and desktop width: no serious or critical axe-core violation, no
sideways scrolling at 375 px, a screenshot of each (tests/browser/artifacts/, git-ignored)."""

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect
from test_accessibility import check
from test_admin import buy, log_in_as_admin

from fleet import Fleet

pytestmark = pytest.mark.timeout(900)


def test_every_admin_page_is_accessible_and_fits_a_phone(
    page: Page, fleet: Fleet, new_product: Callable[..., str]
) -> None:
    product_id = new_product("Woven Basket", 3200, 2)
    order_id = buy(page, product_id)
    page.context.clear_cookies()
    log_in_as_admin(page, fleet)

    page.goto("/admin?range=7d")
    expect(page.get_by_test_id("kpis")).to_be_visible()
    check(page, "admin-dashboard")

    page.goto("/admin/products")
    expect(page.get_by_test_id("products-table")).to_be_visible()
    check(page, "admin-products")

    page.goto("/admin/products/new")
    check(page, "admin-product-new")

    page.goto(f"/admin/products/{product_id}")
    expect(page.get_by_label("Name", exact=True)).to_have_value("Woven Basket")
    check(page, "admin-product-edit")

    page.goto("/admin/stock?below=5")
    expect(page.get_by_test_id("stock-list")).to_be_visible()
    check(page, "admin-stock")

    page.goto("/admin/orders")
    expect(page.get_by_test_id("orders-table")).to_be_visible()
    check(page, "admin-orders")

    page.goto(f"/admin/orders/{order_id}")
    expect(page.get_by_test_id("timeline")).to_be_visible()
    check(page, "admin-order")

    page.goto("/admin/users")
    expect(page.get_by_test_id("users-table")).to_be_visible()
    page.get_by_role("button", name=re.compile("Make (admin|customer)")).first.click()
    check(page, "admin-users")
