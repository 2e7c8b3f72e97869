"""The cart client against real HTTP servers: what it forwards, and how it fails."""

import asyncio
import uuid
from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiohttp import web
from order_service.cart_client import CartClient
from order_service.errors import CartBadResponse, CartTimeout, CartUnavailable
from order_service_tests_factories import cart_line
from service_kit.auth import InvalidToken
from service_kit.context import correlation_id_var
from service_kit.testing import free_port


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


@pytest.fixture
async def serve() -> AsyncIterator:
    """Serve one handler at /internal/cart on a free port; returns the base URL."""
    runners: list[web.AppRunner] = []

    async def start(handler) -> str:
        app = web.Application()
        app.router.add_get("/internal/cart", handler)
        runner = web.AppRunner(app)
        await runner.setup()
        port = free_port()
        await web.TCPSite(runner, "127.0.0.1", port).start()
        runners.append(runner)
        return f"http://127.0.0.1:{port}"

    yield start
    for runner in runners:
        await runner.cleanup()


async def test_client_reads_the_cart_with_the_callers_token_and_correlation_id(
    shop, cart_service, http
):
    customer = shop.customer()
    lines = shop.fill_cart(customer, cart_line("Kettle", unit_price_cents=3_000, quantity=2))
    correlation = uuid.uuid4()
    correlation_id_var.set(correlation)

    cart = await CartClient(http, cart_service.url, 2).cart_of(f"Bearer {customer.token}")

    assert cart.user_id == customer.user_id
    assert cart.ready is True
    assert [(str(i.product_id), i.name, i.unit_price_cents, i.quantity) for i in cart.items] == [
        (lines[0]["product_id"], "Kettle", 3_000, 2)
    ]
    [seen] = cart_service.requests_of(customer.user_id)
    assert seen["x-correlation-id"] == str(correlation)


async def test_closed_port_is_unavailable(http):
    with pytest.raises(CartUnavailable):
        await CartClient(http, f"http://127.0.0.1:{free_port()}", 2).cart_of("Bearer x")


async def test_slow_cart_times_out(http, serve):
    async def slow(_: web.Request) -> web.Response:
        await asyncio.sleep(0.4)
        return web.json_response({})

    url = await serve(slow)

    with pytest.raises(CartTimeout):
        await CartClient(http, url, 0.1).cart_of("Bearer x")


@pytest.mark.parametrize(
    ("status", "body", "error"),
    [
        (500, {"error": {"code": "internal_error", "message": "boom"}}, CartBadResponse),
        (503, {"error": {"code": "service_unavailable", "message": "db down"}}, CartUnavailable),
        (200, {"items": "not a list"}, CartBadResponse),
        (401, {"error": {"code": "invalid_token", "message": "ended"}}, InvalidToken),
    ],
)
async def test_unusable_answers_become_errors_in_the_error_format(http, serve, status, body, error):
    async def answer(_: web.Request) -> web.Response:
        return web.json_response(body, status=status)

    url = await serve(answer)

    with pytest.raises(error):
        await CartClient(http, url, 2).cart_of("Bearer x")


async def test_stand_in_answers_in_the_cart_services_checkout_shape(shop, cart_service, http):
    """Keeps the stand-in honest: its body must parse as the real cart service's model."""
    schemas = pytest.importorskip("cart_service.schemas")
    customer = shop.customer()
    shop.fill_cart(
        customer, cart_line(quantity=1), cart_line(quantity=5, stock=2), cart_line(listed=False)
    )

    async with http.get(f"{cart_service.url}/internal/cart", headers=customer.headers) as resp:
        body = await resp.json()

    parsed = schemas.CheckoutCartOut.model_validate(body)
    assert parsed.ready is False
    assert [p.code for p in parsed.problems] == ["insufficient_stock", "product_unavailable"]
