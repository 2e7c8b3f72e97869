"""Request and response models of the recommendation API (API.md, "AI")."""

import uuid
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from recommendation_service.descriptions import Brief
from recommendation_service.repository import ProductRow
from recommendation_service.service import Answer, Pick

# One line of visible text: no control characters, not only spaces.
_LINE = r"^[^\x00-\x1f\x7f]*[^\s\x00-\x1f\x7f][^\x00-\x1f\x7f]*$"


def _collapsed(text: str) -> str:
    return " ".join(text.split())


# One line of visible text each, its runs of spaces made one. The constraints come before the
# validator, so the published schema keeps them.
Name = Annotated[
    str, Field(min_length=1, max_length=200, pattern=_LINE), AfterValidator(_collapsed)
]
Category = Annotated[
    str, Field(min_length=1, max_length=60, pattern=_LINE), AfterValidator(_collapsed)
]
Keyword = Annotated[
    str, Field(min_length=1, max_length=40, pattern=_LINE), AfterValidator(_collapsed)
]
Tone = Literal["friendly", "professional", "playful", "luxurious", "minimal"]


class ProductCard(BaseModel):
    """What a storefront card shows."""

    id: uuid.UUID
    name: str
    price_cents: int
    currency: str
    category: str
    image_url: str | None
    stock: int
    in_stock: bool

    @classmethod
    def of(cls, row: ProductRow) -> "ProductCard":
        return cls(
            id=row.product_id,
            name=row.name,
            price_cents=row.price_cents,
            currency=row.currency,
            category=row.category,
            image_url=row.image_url,
            stock=row.stock,
            in_stock=row.stock > 0,
        )


class Recommendation(BaseModel):
    product: ProductCard
    score: float = Field(description="How strongly it is recommended (higher is stronger)")
    reason: str = Field(description="Why, in a short sentence for the shopper")

    @classmethod
    def of(cls, pick: Pick) -> "Recommendation":
        return cls(product=ProductCard.of(pick.product), score=pick.score, reason=pick.reason)


class Recommendations(BaseModel):
    items: list[Recommendation]
    source: Literal["gemini", "local"] = Field(
        description="gemini: Gemini ranked the local candidates and wrote the reasons; "
        "local: the local recommender answered"
    )

    @classmethod
    def of(cls, answer: Answer) -> "Recommendations":
        return cls(items=[Recommendation.of(p) for p in answer.items], source=answer.source)


class DescriptionRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Name
    category: Category
    keywords: list[Keyword] = Field(
        default_factory=list, max_length=10, description="Each appears in the text as written"
    )
    tone: Tone = "friendly"

    def brief(self) -> Brief:
        unique = dict.fromkeys(self.keywords)  # first spelling of each, in order
        seen: set[str] = set()
        keywords = []
        for keyword in unique:
            if keyword.lower() not in seen:
                seen.add(keyword.lower())
                keywords.append(keyword)
        return Brief(self.name, self.category, tuple(keywords), self.tone)


class DescriptionOut(BaseModel):
    description: str
    source: Literal["gemini", "local"]
