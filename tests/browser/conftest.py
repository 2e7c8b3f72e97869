"""Browser tests: the real fleet, the storefront's production build, Debian's Chromium.

The fleet of tests/conftest.py and one storefront serve the whole session; every test gets a fresh browser context
(its own cookies). Screenshots go to tests/browser/artifacts/ (git-ignored).
"""

import os
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright
from service_kit.testing import free_port

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from fleet import Fleet
from frontend import Frontend, ensure_built
from helpers import DESKTOP, Catalog

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-default-apps",
    "--disable-extensions",
    "--disable-sync",
    "--no-first-run",
    "--no-default-browser-check",
    "--metrics-recording-only",
    "--mute-audio",
]


def _admin_headers(fleet: Fleet) -> dict[str, str]:
    resp = httpx.post(
        f"{fleet.gateway}/api/auth/login",
        json={"email": fleet.admin_email, "password": fleet.admin_password},
        timeout=10,
    )
    resp.raise_for_status()
    return {"Authorization": f"Bearer {resp.json()['access_token']}"}


def _create(fleet: Fleet, headers: dict[str, str], **product: object) -> str:
    resp = httpx.post(f"{fleet.gateway}/api/products", json=product, headers=headers, timeout=10)
    resp.raise_for_status()
    return str(resp.json()["id"])


def _wait_known_everywhere(fleet: Fleet, product_ids: list[str]) -> None:
    """The cart and inventory learn products from events: wait until a shopper can add them."""
    email = f"probe-{uuid.uuid4().hex[:8]}@example.com"
    signup = httpx.post(
        f"{fleet.gateway}/api/auth/signup",
        json={
            "username": f"probe{uuid.uuid4().hex[:8]}",
            "email": email,
            "password": "probe-pass-1",
        },
        timeout=10,
    )
    signup.raise_for_status()
    headers = {"Authorization": f"Bearer {signup.json()['access_token']}"}
    deadline = time.monotonic() + 30
    pending = list(product_ids)
    while pending and time.monotonic() < deadline:
        product_id = pending[0]
        resp = httpx.post(
            f"{fleet.gateway}/api/cart/items",
            json={"product_id": product_id, "quantity": 1},
            headers=headers,
            timeout=10,
        )
        if resp.status_code == 201 or resp.status_code == 200:
            httpx.delete(f"{fleet.gateway}/api/cart", headers=headers, timeout=10)
            pending.pop(0)
        elif resp.status_code == 409 and product_id == product_ids[-1]:
            pending.pop(0)  # the sold-out product: known, just not addable
        else:
            time.sleep(0.2)
    if pending:
        raise RuntimeError(f"products never reached the cart service: {pending}")


@pytest.fixture(scope="session")
def catalog(fleet: Fleet) -> Catalog:
    headers = _admin_headers(fleet)
    made = Catalog(
        lamp=_create(
            fleet,
            headers,
            name="Walnut Desk Lamp",
            description="A warm desk lamp with a walnut base and a linen shade.",
            price_cents=4999,
            category="Lighting",
            stock=40,
        ),
        mug=_create(
            fleet,
            headers,
            name="Speckled Stoneware Mug",
            description="A hand-glazed stoneware mug for coffee or tea.",
            price_cents=1850,
            category="Kitchen",
            stock=50,
        ),
        scarce=_create(
            fleet,
            headers,
            name="Brass Reading Lamp",
            description="A brass reading lamp with an adjustable arm.",
            price_cents=8900,
            category="Lighting",
            stock=3,
        ),
        sold_out=_create(
            fleet,
            headers,
            name="Ceramic Table Lamp",
            description="A ceramic table lamp, glazed by hand.",
            price_cents=6500,
            category="Lighting",
            stock=0,
        ),
    )
    _wait_known_everywhere(fleet, [made.lamp, made.mug, made.scarce, made.sold_out])
    return made


@pytest.fixture
def new_product(fleet: Fleet, catalog: Catalog) -> Callable[..., str]:
    """A product of the test's own (so changing it disturbs no other test), known everywhere."""
    headers = _admin_headers(fleet)

    def make(name: str, price_cents: int, stock: int) -> str:
        product_id = _create(
            fleet,
            headers,
            name=name,
            description=f"{name}, made for one test.",
            price_cents=price_cents,
            category="Test Goods",
            stock=stock,
        )
        _wait_known_everywhere(fleet, [product_id])
        return product_id

    return make


@pytest.fixture
def admin_headers(fleet: Fleet) -> dict[str, str]:
    return _admin_headers(fleet)


@pytest.fixture(scope="session")
def storefront(fleet: Fleet) -> Iterator[Frontend]:
    ensure_built()
    frontend = Frontend(gateway=fleet.gateway, port=free_port())
    frontend.start()
    yield frontend
    frontend.stop()


@pytest.fixture(scope="session")
def playwright(storefront: Frontend, catalog: Catalog) -> Iterator[Playwright]:
    # The fleet (asyncio.run inside) is ready before Playwright's sync API owns this thread.
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium")
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def context(browser: Browser, storefront: Frontend, catalog: Catalog) -> Iterator[BrowserContext]:
    context = browser.new_context(base_url=storefront.url, viewport=DESKTOP)
    context.set_default_timeout(15_000)
    yield context
    context.close()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()
