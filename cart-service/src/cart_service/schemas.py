"""Request and response bodies of the HTTP API. Requests refuse unknown fields, so a client
cannot send a price: prices and names always come from the product read model."""

import uuid
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from cart_service import pricing
from cart_service.models import MAX_LINE_QUANTITY


def _json_number(value: object) -> object:
    # Python would take true/false as 1/0 and "3" as 3; JSON Schema's integer takes neither.
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError("Input should be a whole number")
    return value


# A whole number: 3 and 3.0 (the same JSON number), never true/false or "3".
WholeNumber = Annotated[int, BeforeValidator(_json_number)]


class _Request(BaseModel):
    model_config = ConfigDict(extra="forbid")


class AddItem(_Request):
    product_id: uuid.UUID
    quantity: WholeNumber = Field(default=1, ge=1, le=MAX_LINE_QUANTITY, examples=[2])


class SetQuantity(_Request):
    quantity: WholeNumber = Field(ge=0, le=MAX_LINE_QUANTITY, description="0 removes the line")


class CartItemOut(BaseModel):
    product_id: uuid.UUID
    name: str
    unit_price_cents: int = Field(description="Today's price")
    quantity: int
    available: int = Field(description="Units in stock now (0 when no longer sold)")
    line_total_cents: int = Field(description="0 for a product no longer sold")
    purchasable: bool = Field(description="Still sold, and in stock for this quantity")

    @classmethod
    def of(cls, line: pricing.PricedLine) -> "CartItemOut":
        return cls(
            product_id=line.product_id,
            name=line.name,
            unit_price_cents=line.unit_price_cents,
            quantity=line.quantity,
            available=line.available,
            line_total_cents=line.line_total_cents,
            purchasable=line.purchasable,
        )


class PriceChangedWarning(BaseModel):
    code: Literal["price_changed"]
    product_id: uuid.UUID
    old_price_cents: int
    new_price_cents: int


class InsufficientStockWarning(BaseModel):
    code: Literal["insufficient_stock"]
    product_id: uuid.UUID
    available: int
    quantity: int


class ProductUnavailableWarning(BaseModel):
    code: Literal["product_unavailable"]
    product_id: uuid.UUID


CartWarningOut = Annotated[
    PriceChangedWarning | InsufficientStockWarning | ProductUnavailableWarning,
    Field(discriminator="code"),
]


def _warning(warning: pricing.CartWarning) -> CartWarningOut:
    match warning:
        case pricing.PriceChanged():
            return PriceChangedWarning(
                code=warning.code,
                product_id=warning.product_id,
                old_price_cents=warning.old_price_cents,
                new_price_cents=warning.new_price_cents,
            )
        case pricing.StockShort():
            return InsufficientStockWarning(
                code=warning.code,
                product_id=warning.product_id,
                available=warning.available,
                quantity=warning.quantity,
            )
        case pricing.ProductUnavailable():
            return ProductUnavailableWarning(code=warning.code, product_id=warning.product_id)


class CartOut(BaseModel):
    items: list[CartItemOut]
    item_count: int = Field(description="Units of the products still sold")
    total_cents: int = Field(description="Today's prices; products no longer sold left out")
    currency: str
    warnings: list[CartWarningOut]

    @classmethod
    def of(cls, view: pricing.CartView) -> "CartOut":
        return cls(
            items=[CartItemOut.of(line) for line in view.lines],
            item_count=view.item_count,
            total_cents=view.total_cents,
            currency=view.currency,
            warnings=[_warning(w) for w in view.warnings],
        )


class CheckoutLine(BaseModel):
    product_id: uuid.UUID
    name: str
    unit_price_cents: int
    quantity: int
    line_total_cents: int


class CheckoutCartOut(BaseModel):
    """The caller's cart as the order service takes it at checkout: only purchasable lines,
    at today's prices; `ready` is false when some line cannot be bought (see `problems`)."""

    user_id: uuid.UUID
    revision: uuid.UUID | None = Field(
        description="The cart's content revision, new at every change of the cart (empty for "
        "a cart without lines): the order service checks out each revision at most once"
    )
    items: list[CheckoutLine]
    item_count: int
    total_cents: int
    currency: str
    ready: bool
    problems: list[CartWarningOut]

    @classmethod
    def of(
        cls, user_id: uuid.UUID, revision: uuid.UUID | None, view: pricing.CartView
    ) -> "CheckoutCartOut":
        lines = view.purchasable_lines
        return cls(
            user_id=user_id,
            revision=revision,
            items=[
                CheckoutLine(
                    product_id=line.product_id,
                    name=line.name,
                    unit_price_cents=line.unit_price_cents,
                    quantity=line.quantity,
                    line_total_cents=line.line_total_cents,
                )
                for line in lines
            ],
            item_count=sum(line.quantity for line in lines),
            total_cents=sum(line.line_total_cents for line in lines),
            currency=view.currency,
            ready=not view.problems,
            problems=[_warning(w) for w in view.problems],
        )
