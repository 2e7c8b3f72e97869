"""A shopper and an admin driving the platform through the gateway, for system tests and
benchmarks."""

import asyncio
import time
import uuid
from dataclasses import dataclass
from typing import Any

import httpx

TERMINAL = {"PAID", "SHIPPED", "CANCELLED"}
ADDRESS = {
    "name": "Ada Lovelace",
    "line1": "12 Analytical St",
    "city": "London",
    "postal_code": "N1 9GU",
    "country": "GB",
}


@dataclass
class Shopper:
    client: httpx.AsyncClient
    token: str
    user_id: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    async def call(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        headers = {**self.headers, **kwargs.pop("headers", {})}
        return await self.client.request(method, path, headers=headers, **kwargs)

    async def add_to_cart(self, product_id: str, quantity: int = 1) -> httpx.Response:
        return await self.call(
            "POST", "/api/cart/items", json={"product_id": product_id, "quantity": quantity}
        )

    async def card(self, number: str = "4242424242424242") -> str:
        resp = await self.call(
            "POST",
            "/api/payments/methods",
            json={"card_number": number, "exp_month": 12, "exp_year": 2040, "cvc": "123"},
        )
        resp.raise_for_status()
        return str(resp.json()["id"])

    async def checkout(self, payment_method: str, key: str | None = None) -> httpx.Response:
        return await self.call(
            "POST",
            "/api/orders",
            json={"payment_method": payment_method, "shipping_address": ADDRESS},
            headers={"Idempotency-Key": key or uuid.uuid4().hex},
        )

    async def order(self, order_id: str) -> dict[str, Any]:
        resp = await self.call("GET", f"/api/orders/{order_id}")
        resp.raise_for_status()
        data: dict[str, Any] = resp.json()
        return data

    async def wait_terminal(
        self, order_id: str, timeout: float = 30.0, interval: float = 0.02
    ) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while True:
            order = await self.order(order_id)
            if order["status"] in TERMINAL and (
                order["status"] != "PAID" or order.get("payment") is not None
            ):
                return order
            if time.monotonic() > deadline:
                raise TimeoutError(f"order {order_id} still {order['status']}")
            await asyncio.sleep(interval)


async def sign_up(client: httpx.AsyncClient, prefix: str = "shopper") -> Shopper:
    name = f"{prefix}{uuid.uuid4().hex[:10]}"
    resp = await client.post(
        "/api/auth/signup",
        json={"username": name, "email": f"{name}@example.com", "password": "correct-horse-42"},
    )
    resp.raise_for_status()
    body = resp.json()
    return Shopper(client, body["access_token"], body["user"]["id"])


async def log_in(client: httpx.AsyncClient, email: str, password: str) -> Shopper:
    resp = await client.post("/api/auth/login", json={"email": email, "password": password})
    resp.raise_for_status()
    body = resp.json()
    return Shopper(client, body["access_token"], body["user"]["id"])


async def create_product(
    admin: Shopper, *, stock: int, price_cents: int = 1999, name: str | None = None
) -> str:
    resp = await admin.call(
        "POST",
        "/api/products",
        json={
            "name": name or f"Test product {uuid.uuid4().hex[:6]}",
            "description": "A product made by the system tests.",
            "price_cents": price_cents,
            "category": "electronics",
            "stock": stock,
        },
    )
    resp.raise_for_status()
    return str(resp.json()["id"])


async def wait_until_in_cart_catalog(
    shopper: Shopper, product_id: str, timeout: float = 15
) -> None:
    """Events are asynchronous: the cart learns of a new product a moment after it is created."""
    deadline = time.monotonic() + timeout
    while True:
        resp = await shopper.add_to_cart(product_id, 1)
        if resp.status_code in (200, 201):
            await shopper.call("DELETE", f"/api/cart/items/{product_id}")
            return
        if time.monotonic() > deadline:
            raise TimeoutError(f"cart never learned of {product_id}: {resp.text}")
        await asyncio.sleep(0.05)
