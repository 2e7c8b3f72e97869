"""Request and response bodies of the HTTP API. Requests refuse unknown fields."""

import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator

from inventory_service.models import MAX_STOCK, MovementReason
from inventory_service.repository import StockLevel


def _json_number(value: object) -> object:
    # Python would take true/false as 1/0 and "3" as 3; JSON Schema's integer takes neither.
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError("Input should be a whole number")
    return value


# A whole number: 3 and 3.0 (the same JSON number), never true/false or "3".
WholeNumber = Annotated[int, BeforeValidator(_json_number)]

Note = Annotated[
    str,
    Field(
        min_length=1,
        max_length=500,
        pattern=r"^[^\x00]+$",
        description="Why, for the ledger",
        examples=["Counted in the warehouse"],
    ),
]


class _Request(BaseModel):
    model_config = ConfigDict(extra="forbid")


class StockSet(_Request):
    stock: WholeNumber = Field(
        ge=0, le=MAX_STOCK, description="The new absolute stock", examples=[25]
    )
    note: Note | None = None


class StockAdjustment(_Request):
    delta: WholeNumber = Field(
        ge=-MAX_STOCK,
        le=MAX_STOCK,
        description="Units to add (positive) or take out (negative); never 0",
        examples=[-3],
        json_schema_extra={"not": {"const": 0}},
    )
    reason: Literal["admin", "restock"] = Field(
        default="admin", description="`restock` for goods received, `admin` for corrections"
    )
    note: Note | None = None

    @field_validator("delta")
    @classmethod
    def _not_zero(cls, delta: int) -> int:
        if delta == 0:
            raise ValueError("delta must not be 0")
        return delta

    @property
    def movement_reason(self) -> MovementReason:
        return MovementReason(self.reason)


class StockRecord(BaseModel):
    product_id: uuid.UUID
    stock: int
    updated_at: datetime

    @classmethod
    def of(cls, level: StockLevel) -> "StockRecord":
        return cls(product_id=level.product_id, stock=level.stock, updated_at=level.updated_at)


class StockPage(BaseModel):
    items: list[StockRecord]
    total: int
    limit: int
    offset: int


class MovementOut(BaseModel):
    id: int
    product_id: uuid.UUID
    delta: int
    stock_after: int
    reason: MovementReason
    order_id: uuid.UUID | None
    actor_id: uuid.UUID | None
    note: str | None
    at: datetime

    @classmethod
    def of(cls, movement: Mapping[str, Any]) -> "MovementOut":
        return cls.model_validate(dict(movement))


class MovementPage(BaseModel):
    items: list[MovementOut]
    total: int
    limit: int
    offset: int
