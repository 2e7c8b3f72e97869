"""What the browser tests share: the known products, viewports, screenshots, signing up."""

import uuid
from dataclasses import dataclass
from pathlib import Path

from playwright.sync_api import Page

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}


@dataclass(frozen=True)
class Catalog:
    """Products the tests know by name, beside the demo catalog."""

    lamp: str  # plenty in stock
    mug: str  # plenty in stock, cheap
    scarce: str  # only 3 left
    sold_out: str  # out of stock


def screenshot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def new_email() -> tuple[str, str]:
    tag = uuid.uuid4().hex[:10]
    return f"shopper{tag}", f"shopper-{tag}@example.com"


def sign_up(page: Page, password: str = "correct-horse-9") -> str:
    """Sign up through the page (from wherever the browser is); returns the email."""
    username, email = new_email()
    page.goto("/signup")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Create account").click()
    page.wait_for_url(lambda url: "/signup" not in url)
    return email


def access_token(page: Page) -> str:
    """The session's access token, from the httpOnly cookie (tests may read it; pages cannot)."""
    for cookie in page.context.cookies():
        if cookie["name"] == "shop_at":
            return cookie["value"]
    raise AssertionError("not signed in")


def add_to_cart(page: Page, product_id: str, quantity: int = 1) -> None:
    page.goto(f"/products/{product_id}")
    page.get_by_label("Quantity").fill(str(quantity))
    page.get_by_role("button", name="Add to cart").click()
    page.get_by_text("to your cart").wait_for()


def fill_checkout(page: Page, card: str = "4242 4242 4242 4242") -> None:
    page.get_by_label("Full name").fill("Ada Lovelace")
    page.get_by_label("Address").fill("12 Analytical St")
    page.get_by_label("City").fill("London")
    page.get_by_label("Postal code").fill("N1 9GU")
    page.get_by_label("Country code").fill("GB")
    page.get_by_label("Card number").fill(card)
    page.get_by_label("Expiry (MM/YY)").fill("12/34")
    page.get_by_label("Security code").fill("123")
