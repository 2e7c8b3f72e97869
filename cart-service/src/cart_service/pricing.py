"""Pricing a cart from what the read model knows now: current prices and names, availability,
and the warnings a customer should see before checking out. Pure functions, no I/O."""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from shop_contracts.events import CartLine, CartUpdated

from cart_service.repository import LineState

DEFAULT_CURRENCY = "USD"
UNKNOWN_NAME = "Unavailable product"


@dataclass(frozen=True, slots=True)
class PriceChanged:
    product_id: uuid.UUID
    old_price_cents: int
    new_price_cents: int
    code: Literal["price_changed"] = "price_changed"


@dataclass(frozen=True, slots=True)
class StockShort:
    product_id: uuid.UUID
    available: int
    quantity: int
    code: Literal["insufficient_stock"] = "insufficient_stock"


@dataclass(frozen=True, slots=True)
class ProductUnavailable:
    product_id: uuid.UUID
    code: Literal["product_unavailable"] = "product_unavailable"


CartWarning = PriceChanged | StockShort | ProductUnavailable


@dataclass(frozen=True, slots=True)
class PricedLine:
    product_id: uuid.UUID
    name: str
    unit_price_cents: int
    currency: str
    quantity: int
    available: int
    # Still sold (not deleted). Lines that are not are left out of every total.
    listed: bool

    @property
    def in_stock(self) -> bool:
        return self.quantity <= self.available

    @property
    def purchasable(self) -> bool:
        return self.listed and self.in_stock

    @property
    def line_total_cents(self) -> int:
        return self.unit_price_cents * self.quantity if self.listed else 0


@dataclass(frozen=True, slots=True)
class CartView:
    lines: tuple[PricedLine, ...]
    warnings: tuple[CartWarning, ...]

    @property
    def total_cents(self) -> int:
        return sum(line.line_total_cents for line in self.lines)

    @property
    def item_count(self) -> int:
        return sum(line.quantity for line in self.lines if line.listed)

    @property
    def currency(self) -> str:
        return next((line.currency for line in self.lines if line.listed), DEFAULT_CURRENCY)

    @property
    def purchasable_lines(self) -> tuple[PricedLine, ...]:
        return tuple(line for line in self.lines if line.purchasable)

    @property
    def problems(self) -> tuple[CartWarning, ...]:
        """The warnings that stop a checkout (a price change does not: the order takes the
        current price)."""
        return tuple(w for w in self.warnings if not isinstance(w, PriceChanged))

    def event(self, user_id: uuid.UUID) -> CartUpdated:
        return CartUpdated(
            user_id=user_id,
            items=[
                CartLine(
                    product_id=line.product_id,
                    quantity=line.quantity,
                    unit_price_cents=line.unit_price_cents,
                )
                for line in self.lines
                if line.listed
            ],
            total_cents=self.total_cents,
        )


def price_cart(states: Sequence[LineState]) -> CartView:
    lines: list[PricedLine] = []
    warnings: list[CartWarning] = []
    for state in states:
        listed = not state.deleted and state.name is not None and state.price_cents is not None
        price = state.price_cents if state.price_cents is not None else state.seen_price_cents
        line = PricedLine(
            product_id=state.product_id,
            name=state.name or UNKNOWN_NAME,
            unit_price_cents=price,
            currency=state.currency or DEFAULT_CURRENCY,
            quantity=state.quantity,
            available=state.stock if listed else 0,
            listed=listed,
        )
        lines.append(line)
        if not listed:
            warnings.append(ProductUnavailable(state.product_id))
            continue
        if price != state.seen_price_cents:
            warnings.append(PriceChanged(state.product_id, state.seen_price_cents, price))
        if not line.in_stock:
            warnings.append(StockShort(state.product_id, line.available, line.quantity))
    return CartView(tuple(lines), tuple(warnings))
