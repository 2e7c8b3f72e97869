"""Request and response bodies of the HTTP API. Requests refuse unknown fields, so a client
cannot smuggle in `stock`, `currency` or `deleted_at`."""

from datetime import datetime
from typing import Annotated, Any, Literal, Self
from uuid import UUID

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
    StrictStr,
    WithJsonSchema,
    model_validator,
)

from product_service.catalog_rules import (
    IMAGE_URL_PATTERN,
    MAX_ATTRIBUTES,
    check_image_url,
    normalize_category,
    normalize_text,
)

MAX_PRICE_CENTS = 100_000_000  # $1,000,000.00
MAX_STOCK = 1_000_000_000
MAX_QUERY_INT = 2_147_483_647  # the columns are 32-bit integers
MAX_OFFSET = 10_000

# Text without control characters (PostgreSQL refuses NUL) and not only whitespace.
_LINE = r"^[^\x00-\x1f\x7f]*[^\s\x00-\x1f\x7f][^\x00-\x1f\x7f]*$"
_PARAGRAPHS = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"

ProductName = Annotated[
    str,
    Field(min_length=1, max_length=200, pattern=_LINE, examples=["Aria Wireless Headphones"]),
    AfterValidator(normalize_text),
]
Description = Annotated[
    str,
    Field(max_length=5000, pattern=_PARAGRAPHS, examples=["Forty hours of battery."]),
    AfterValidator(normalize_text),
]
Category = Annotated[
    str,
    Field(
        min_length=1,
        max_length=60,
        pattern=r"[^\W_]",
        description="Free text, stored as a slug: 'Home & Kitchen' becomes 'home-kitchen'",
        examples=["audio"],
    ),
    AfterValidator(normalize_category),
]


def _not_boolean(value: Any) -> Any:
    """JSON true/false is not a number (pydantic would read it as 1/0)."""
    if isinstance(value, bool):
        raise ValueError("a number is required, not true or false")
    return value


def _json_number(value: Any) -> Any:
    """A price is a JSON number: not true/false (read as 1/0), and not text such as "12999"
    (which pydantic would convert), as the other services' numbers."""
    if isinstance(value, str | bytes):
        raise ValueError("a number is required, not text")
    return _not_boolean(value)


# Constraints first, then the before-validator that wraps them (so the schema keeps them).
PriceCents = Annotated[
    int, Field(gt=0, le=MAX_PRICE_CENTS, examples=[12999]), BeforeValidator(_json_number)
]
Stock = Annotated[int, Field(ge=0, le=MAX_STOCK), BeforeValidator(_not_boolean)]
ImageUrl = Annotated[
    str,
    Field(
        max_length=2048,
        pattern=IMAGE_URL_PATTERN,
        description="An http(s) URL, or a path on this site such as /api/products/{id}/image.svg",
        examples=["https://cdn.example.com/p/aria.jpg"],
    ),
    AfterValidator(check_image_url),
]
SAFE_NUMBER = 2**53  # JavaScript's safe integers: numbers a browser holds exactly
ATTRIBUTE_KEY_PATTERN = _LINE
ATTRIBUTE_TEXT_PATTERN = r"^[^\x00-\x1f\x7f]*$"

AttributeKey = Annotated[
    str,
    Field(min_length=1, max_length=40, pattern=ATTRIBUTE_KEY_PATTERN),
    AfterValidator(normalize_text),
]


def _fractional_only(value: Any) -> Any:
    """Whole numbers are validated as integers (with their own bounds), never as floats."""
    if isinstance(value, int):
        raise ValueError("a whole number out of range")
    return value


# Strict, so that "42" stays text and 1 stays a number; never NaN or infinity.
AttributeValue = (
    StrictBool
    | Annotated[StrictInt, Field(ge=-SAFE_NUMBER, le=SAFE_NUMBER)]
    | Annotated[
        StrictFloat,
        Field(ge=-SAFE_NUMBER, le=SAFE_NUMBER, allow_inf_nan=False),
        BeforeValidator(_fractional_only),
    ]
    | Annotated[StrictStr, Field(max_length=200, pattern=ATTRIBUTE_TEXT_PATTERN)]
    | None
)
# Written out, because pydantic would publish the key pattern as `patternProperties`, which
# does not constrain other keys.
ATTRIBUTES_SCHEMA: dict[str, Any] = {
    "type": "object",
    "maxProperties": MAX_ATTRIBUTES,
    "propertyNames": {"minLength": 1, "maxLength": 40, "pattern": ATTRIBUTE_KEY_PATTERN},
    "additionalProperties": {
        "anyOf": [
            {"type": "boolean"},
            {"type": "number", "minimum": -SAFE_NUMBER, "maximum": SAFE_NUMBER},
            {"type": "string", "maxLength": 200, "pattern": ATTRIBUTE_TEXT_PATTERN},
            {"type": "null"},
        ]
    },
    "description": f"Up to {MAX_ATTRIBUTES} scalar values (text up to 200 characters)",
    "examples": [{"brand": "Aria", "color": "black", "wireless": True}],
}
Attributes = Annotated[
    dict[AttributeKey, AttributeValue],
    Field(max_length=MAX_ATTRIBUTES),
    WithJsonSchema(ATTRIBUTES_SCHEMA),
]


class _Request(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ProductCreate(_Request):
    name: ProductName
    description: Description = ""
    price_cents: PriceCents
    category: Category
    stock: Stock = Field(default=0, description="Initial stock only")
    image_url: ImageUrl | None = Field(
        default=None, description="Without one, the product gets a generated picture"
    )
    attributes: Attributes = Field(default_factory=dict)


NOT_NULLABLE_ON_UPDATE = ("name", "price_cents", "category", "attributes")


def _not_nullable(schema: dict[str, Any]) -> None:
    """Publish the fields an update may leave out but not null as their plain types."""
    for name in NOT_NULLABLE_ON_UPDATE:
        field = schema["properties"][name]
        options = [o for o in field.pop("anyOf", []) if o.get("type") != "null"]
        if len(options) == 1:
            field.update(options[0])
        field.pop("default", None)


class ProductUpdate(_Request):
    """Only the fields sent change; stock is the inventory service's after creation."""

    model_config = ConfigDict(json_schema_extra=_not_nullable)

    name: ProductName | None = None
    description: Description | None = Field(default=None, description="null empties it")
    price_cents: PriceCents | None = None
    category: Category | None = None
    image_url: ImageUrl | None = Field(
        default=None, description="null restores the generated picture"
    )
    attributes: Attributes | None = None

    @model_validator(mode="after")
    def _required_fields_not_null(self) -> Self:
        for name in NOT_NULLABLE_ON_UPDATE:
            if name in self.model_fields_set and getattr(self, name) is None:
                raise ValueError(f"{name} cannot be null")
        return self

    def changes(self) -> dict[str, Any]:
        values = self.model_dump(exclude_unset=True)
        if values.get("description", "") is None:
            values["description"] = ""
        return values


class ProductOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: UUID
    name: str
    description: str
    price_cents: int
    currency: str
    category: str
    stock: int
    image_url: str | None
    attributes: dict[str, Any]
    created_at: datetime
    updated_at: datetime


SortOrder = Literal["relevance", "price_asc", "price_desc", "newest", "name"]


class SearchParams(BaseModel):
    q: str | None = Field(
        default=None,
        max_length=200,
        description="Words to find; the last one may be a prefix; misspellings are corrected",
    )
    category: Annotated[str, Field(max_length=60)] | None = Field(
        default=None, description="A category name (compared as its slug)"
    )
    min_price_cents: int | None = Field(default=None, ge=0, le=MAX_QUERY_INT)
    max_price_cents: int | None = Field(default=None, ge=0, le=MAX_QUERY_INT)
    in_stock: bool = Field(default=False, description="true: only products in stock")
    sort: SortOrder = Field(
        default="relevance", description="relevance without `q` means newest first"
    )
    limit: int = Field(default=20, ge=1, le=100)
    offset: int = Field(default=0, ge=0, le=MAX_OFFSET)


class CategoryCount(BaseModel):
    name: str
    count: int


class PriceRange(BaseModel):
    min_cents: int | None = Field(description="null when nothing matches")
    max_cents: int | None


class Facets(BaseModel):
    categories: list[CategoryCount] = Field(
        description="Counts per category for the query and every filter except `category`"
    )
    price: PriceRange = Field(
        description="Price range for the query and every filter except the price bounds"
    )


class ProductPage(BaseModel):
    items: list[ProductOut]
    total: int
    limit: int
    offset: int
    facets: Facets
    corrected_query: str | None = Field(
        default=None,
        description="The words searched instead when `q` as typed found nothing",
        examples=["wireless headphones"],
    )
