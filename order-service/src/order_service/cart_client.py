"""The cart service, asked for the caller's cart at checkout (`GET /internal/cart`).

The call carries the customer's own bearer token, so the cart service answers for that
customer only, plus the request's correlation id and trace. It goes through the process's one
pooled aiohttp session. Down → 503, slow → 504, nonsense → 502, in the error format.
"""

import logging
from typing import Protocol
from uuid import UUID

import aiohttp
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from service_kit.auth import InvalidToken
from service_kit.context import outgoing_headers

from order_service.errors import CartBadResponse, CartTimeout, CartUnavailable

log = logging.getLogger(__name__)

CART_PATH = "/internal/cart"


class CartLine(BaseModel):
    model_config = ConfigDict(extra="ignore")

    product_id: UUID
    name: str
    unit_price_cents: int = Field(ge=0)
    quantity: int = Field(gt=0)


class CartProblem(BaseModel):
    """Why a line cannot be bought: `insufficient_stock` (with the units available) or
    `product_unavailable` (no longer sold)."""

    model_config = ConfigDict(extra="ignore")

    code: str
    product_id: UUID
    available: int | None = None
    quantity: int | None = None


class Cart(BaseModel):
    """The cart service's checkout view: `items` holds only the lines that can be bought, at
    today's prices; `ready` is false when some line cannot (see `problems`). `revision` names
    this content of the cart: an order records it, and no second order takes it."""

    model_config = ConfigDict(extra="ignore")

    user_id: UUID
    # New at every change of the cart; None for a cart without lines.
    revision: UUID | None
    items: list[CartLine]
    currency: str | None = None
    ready: bool
    problems: list[CartProblem] = []


class CartReader(Protocol):
    async def cart_of(self, authorization: str) -> Cart: ...


class CartClient:
    def __init__(self, http: aiohttp.ClientSession, base_url: str, timeout_seconds: float) -> None:
        self.http = http
        self.url = base_url.rstrip("/") + CART_PATH
        self.timeout = aiohttp.ClientTimeout(total=timeout_seconds)

    async def cart_of(self, authorization: str) -> Cart:
        headers = {**outgoing_headers(), "Authorization": authorization}
        try:
            async with self.http.get(self.url, headers=headers, timeout=self.timeout) as resp:
                body = await resp.read()
                status = resp.status
        except TimeoutError as exc:
            log.warning("cart service timed out", extra={"url": self.url})
            raise CartTimeout() from exc
        except aiohttp.ClientError as exc:
            log.warning("cart service unreachable", extra={"url": self.url, "error": repr(exc)})
            raise CartUnavailable() from exc
        if status == 401:
            # The token was good here a moment ago: the session ended in between.
            raise InvalidToken()
        if status in (502, 503, 504):
            raise CartUnavailable()
        if status != 200:
            log.warning("cart service answered %s", status, extra={"url": self.url})
            raise CartBadResponse()
        try:
            return Cart.model_validate_json(body)
        except ValidationError as exc:
            log.warning("cart service answered an unusable body", extra={"url": self.url})
            raise CartBadResponse() from exc
