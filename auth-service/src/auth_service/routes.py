"""HTTP routes, at the same paths as the gateway's: parse, call the service, shape the answer."""

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Response
from service_kit.errors import AppError

from auth_service import service
from auth_service.dependencies import (
    ClientAddress,
    CurrentUser,
    LoginThrottleDep,
    ReadSessionDep,
    RequireAdmin,
    SessionDep,
    TokensDep,
)
from auth_service.errors import as_response, error_responses
from auth_service.schemas import (
    AuthResponse,
    JsonWebKeySet,
    LoginRequest,
    LogoutRequest,
    RefreshRequest,
    RoleChange,
    SignupRequest,
    UserOut,
    UserPage,
)
from auth_service.security import jwks

router = APIRouter(prefix="/api/auth", tags=["auth"])


@router.post(
    "/signup",
    status_code=201,
    summary="Create a customer account and sign in",
    responses=error_responses(400, 409, 422),
)
async def signup(body: SignupRequest, session: SessionDep, tokens: TokensDep) -> AuthResponse:
    result = await service.signup(
        session, tokens, username=body.username, email=str(body.email), password=body.password
    )
    return AuthResponse.of(result)


@router.post(
    "/login",
    summary="Sign in with email or username",
    responses=error_responses(400, 401, 422, 429),
)
async def login(
    body: LoginRequest,
    session: SessionDep,
    tokens: TokensDep,
    throttle: LoginThrottleDep,
    client: ClientAddress,
) -> AuthResponse:
    result = await service.login(
        session, tokens, throttle, identifier=body.email, password=body.password, client=client
    )
    return AuthResponse.of(result)


@router.post(
    "/refresh",
    summary="Exchange a refresh token for a new pair (the old one stops working)",
    response_model=AuthResponse,
    responses=error_responses(400, 401, 422),
)
async def refresh(
    body: RefreshRequest, session: SessionDep, tokens: TokensDep
) -> AuthResponse | Response:
    outcome = await service.refresh(session, tokens, body.refresh_token)
    if isinstance(outcome, AppError):
        return as_response(outcome)
    return AuthResponse.of(outcome)


@router.post(
    "/logout",
    status_code=204,
    response_class=Response,
    summary="End the session: its access and refresh tokens stop working",
    responses=error_responses(400, 401, 422),
)
async def logout(
    principal: CurrentUser,
    session: SessionDep,
    tokens: TokensDep,
    body: LogoutRequest | None = None,
) -> Response:
    await service.logout(session, tokens, principal, body.refresh_token if body else None)
    return Response(status_code=204)


@router.get("/me", summary="The signed-in user", responses=error_responses(401, 404))
async def me(principal: CurrentUser, session: ReadSessionDep) -> UserOut:
    return UserOut.of(await service.get_user(session, principal.user_id))


@router.get("/users", summary="List users (admin)", responses=error_responses(401, 403, 422))
async def list_users(
    _: RequireAdmin,
    session: ReadSessionDep,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> UserPage:
    users, total = await service.list_users(session, limit=limit, offset=offset)
    return UserPage(items=[UserOut.of(u) for u in users], total=total, limit=limit, offset=offset)


@router.patch(
    "/users/{user_id}/role",
    summary="Change a user's role (admin)",
    responses=error_responses(400, 401, 403, 404, 409, 422),
)
async def change_role(
    user_id: UUID, body: RoleChange, admin: RequireAdmin, session: SessionDep, tokens: TokensDep
) -> UserOut:
    user = await service.change_role(session, tokens, admin, user_id, body.role)
    return UserOut.of(user)


@router.get(
    "/.well-known/jwks.json",
    summary="Public keys that verify access tokens",
    response_model=JsonWebKeySet,
)
async def jwks_document(session: ReadSessionDep, response: Response) -> dict[str, object]:
    response.headers["Cache-Control"] = "public, max-age=60"
    return jwks(await service.public_keys(session))
