"""HTTP routes at the gateway's paths: related products and best sellers (anyone), picks for
the caller (a customer), product descriptions (admins; the role is checked here as well as at
the gateway)."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from recommendation_service import service
from recommendation_service.dependencies import (
    ConnectionDep,
    CurrentUser,
    RecommenderDep,
    RequireAdmin,
)
from recommendation_service.errors import error_responses
from recommendation_service.schemas import DescriptionOut, DescriptionRequest, Recommendations

router = APIRouter(prefix="/api/recommendations", tags=["recommendations"])

Limit = Annotated[int, Query(ge=1, le=20, description="How many products (1-20)")]


@router.get(
    "/related/{product_id}",
    summary="Products to show beside a product (never itself, never deleted ones)",
    responses=error_responses(404, 422),
)
async def related(
    product_id: uuid.UUID, conn: ConnectionDep, recommender: RecommenderDep, limit: Limit = 4
) -> Recommendations:
    return Recommendations.of(await service.related(conn, recommender, product_id, limit))


@router.get(
    "/best-sellers",
    summary="The shop's best sellers, in stock first (anyone; the storefront's home page)",
    responses=error_responses(422),
)
async def best_sellers(
    conn: ConnectionDep, recommender: RecommenderDep, limit: Limit = 4
) -> Recommendations:
    return Recommendations.of(await service.best_sellers(conn, recommender, limit))


@router.get(
    "/for-me",
    summary="Picks for the caller from their orders and cart; best sellers for a new customer",
    responses=error_responses(401, 422),
)
async def for_me(
    user: CurrentUser, conn: ConnectionDep, recommender: RecommenderDep, limit: Limit = 4
) -> Recommendations:
    return Recommendations.of(await service.for_me(conn, recommender, user.user_id, limit))


@router.post(
    "/descriptions",
    summary="Marketing copy for a product from its name, category, keywords and tone",
    responses=error_responses(400, 401, 403, 422),
)
async def descriptions(
    body: DescriptionRequest, _admin: RequireAdmin, recommender: RecommenderDep
) -> DescriptionOut:
    text, source = await service.write_copy(recommender, body.brief())
    return DescriptionOut(description=text, source=source)
