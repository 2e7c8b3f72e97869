"""HTTP routes: parse, call the service, shape the response. The paths are the gateway's."""

import hashlib
import uuid
from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import APIRouter, Header, Query, Response
from pydantic import TypeAdapter
from service_kit.pg import Database, DatabaseDep

from product_service import service
from product_service.dependencies import (
    ReadSessionDep,
    RequireAdmin,
    SearchableDep,
    SearchCacheDep,
    SearchIndexDep,
    SessionDep,
    SettingsDep,
)
from product_service.errors import error_responses
from product_service.images import render_svg
from product_service.schemas import (
    CategoryCount,
    Facets,
    PriceRange,
    ProductCreate,
    ProductOut,
    ProductPage,
    ProductUpdate,
    SearchParams,
)
from product_service.search.cache import CachedPage
from product_service.search.live import LiveSearchIndex
from product_service.search.query import SearchRequest, filters_from

router = APIRouter(prefix="/api")

PICTURE_HEADERS = {
    "Cache-Control": "public, max-age=3600",  # a rename shows within the hour
    # A picture is a document of its own when opened directly: allow nothing active in it.
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; sandbox",
    "X-Content-Type-Options": "nosniff",
}


@router.get(
    "/products",
    tags=["catalog"],
    summary="Search and filter the catalog",
    response_model=ProductPage,
    responses=error_responses(422, 503),
)
async def search_products(
    database: DatabaseDep,
    cache: SearchCacheDep,
    index: SearchIndexDep,
    params: Annotated[SearchParams, Query()],
) -> Response:
    """Answered from the search cache when the same search ran lately: the body as it was
    sent then (the parameters are still validated first, above)."""
    request = SearchRequest(
        q=params.q,
        filters=filters_from(
            params.category, params.min_price_cents, params.max_price_cents, params.in_stock
        ),
        sort=params.sort,
        limit=params.limit,
        offset=params.offset,
    )
    run = _search_page(database, request, index)
    page = await cache.get_or_run(request.cache_key, run, refresh=run)
    return Response(page.body, media_type="application/json")


_PAGE_JSON = TypeAdapter(ProductPage)
_NO_ITEMS = b'{"items":[]'


def page_body(page: ProductPage, items: list[bytes]) -> bytes:
    """The JSON of `page` (its `items` empty) with these products' JSON as its items: what
    pydantic writes for the page with them (`items` is its first field)."""
    body = _PAGE_JSON.dump_json(page)
    assert body.startswith(_NO_ITEMS)
    return b'{"items":[' + b",".join(items) + b"]" + body[len(_NO_ITEMS) :]


def _search_page(
    database: Database, request: SearchRequest, index: LiveSearchIndex
) -> Callable[[], Awaitable[CachedPage]]:
    """The search as the JSON body to send (it can also refresh a cached page in the
    background, after the request that started it has ended)."""

    async def search_page() -> CachedPage:
        result = await service.search(database, request, index)
        facets = result.found.facets
        page = ProductPage(
            items=[],
            total=facets.total,
            limit=request.limit,
            offset=request.offset,
            facets=Facets(
                categories=[CategoryCount(name=n, count=c) for n, c in facets.categories],
                price=PriceRange(
                    min_cents=facets.min_price_cents, max_cents=facets.max_price_cents
                ),
            ),
            corrected_query=result.found.corrected,
        )
        return CachedPage(
            body=page_body(page, [fragment for _, fragment in result.items]),
            product_ids=frozenset(product_id for product_id, _ in result.items),
            depends_on_stock=request.filters.in_stock,
        )

    return search_page


@router.get(
    "/products/{product_id}",
    tags=["catalog"],
    summary="One product",
    responses=error_responses(404, 422),
)
async def get_product(session: ReadSessionDep, product_id: uuid.UUID) -> ProductOut:
    return ProductOut.model_validate(await service.get_product(session, product_id))


@router.get(
    "/products/{product_id}/image.svg",
    tags=["catalog"],
    summary="The product's generated picture",
    response_class=Response,
    responses={
        200: {"content": {"image/svg+xml": {"schema": {"type": "string"}}}},
        304: {"description": "Not modified"},
        **error_responses(404, 422),
    },
)
async def product_picture(
    session: ReadSessionDep,
    product_id: uuid.UUID,
    if_none_match: Annotated[str | None, Header()] = None,
) -> Response:
    product = await service.get_product_for_picture(session, product_id)
    svg = render_svg(product.id, product.name, product.category)
    etag = '"' + hashlib.sha256(svg.encode()).hexdigest()[:32] + '"'
    headers = {**PICTURE_HEADERS, "ETag": etag}
    if if_none_match is not None and etag in (t.strip() for t in if_none_match.split(",")):
        return Response(status_code=304, headers=headers)
    return Response(svg, media_type="image/svg+xml", headers=headers)


@router.get("/categories", tags=["catalog"], summary="Categories of live products")
async def list_categories(session: ReadSessionDep) -> list[CategoryCount]:
    return [CategoryCount(name=n, count=c) for n, c in await service.list_categories(session)]


@router.post(
    "/products",
    status_code=201,
    tags=["admin"],
    summary="Add a product",
    responses=error_responses(400, 401, 403, 422),
)
async def create_product(
    _searchable: SearchableDep,
    session: SessionDep,
    settings: SettingsDep,
    _: RequireAdmin,
    body: ProductCreate,
) -> ProductOut:
    product = await service.create_product(session, **body.model_dump(), currency=settings.currency)
    return ProductOut.model_validate(product)


@router.patch(
    "/products/{product_id}",
    tags=["admin"],
    summary="Change some fields of a product",
    responses=error_responses(400, 401, 403, 404, 422),
)
async def update_product(
    _searchable: SearchableDep,
    session: SessionDep,
    _: RequireAdmin,
    product_id: uuid.UUID,
    body: ProductUpdate,
) -> ProductOut:
    product = await service.update_product(session, product_id, body.changes())
    return ProductOut.model_validate(product)


@router.delete(
    "/products/{product_id}",
    status_code=204,
    tags=["admin"],
    summary="Remove a product from the catalog",
    responses=error_responses(401, 403, 404, 422),
)
async def delete_product(
    _searchable: SearchableDep, session: SessionDep, _: RequireAdmin, product_id: uuid.UUID
) -> Response:
    await service.delete_product(session, product_id)
    return Response(status_code=204)
