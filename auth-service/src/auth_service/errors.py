"""The auth service's errors, and the error responses its OpenAPI declares."""

from functools import partial

from service_kit.errors import (
    AppError,
    Conflict,
    NotFound,
    TooManyRequests,
    Unauthorized,
    error_response,
)
from service_kit.errors import error_responses as kit_error_responses
from starlette.responses import Response


class EmailTaken(Conflict):
    code = "email_taken"
    message = "An account with this email already exists."


class UsernameTaken(Conflict):
    code = "username_taken"
    message = "This username is taken."


class InvalidCredentials(Unauthorized):
    code = "invalid_credentials"
    message = "The email, username or password is incorrect."


class LoginThrottled(TooManyRequests):
    code = "too_many_login_attempts"
    message = "Too many failed sign-in attempts; try again later."


class InvalidRefreshToken(Unauthorized):
    code = "invalid_refresh_token"
    message = "The refresh token is invalid or expired; sign in again."


class RefreshTokenReused(Unauthorized):
    code = "refresh_token_reused"
    message = "This refresh token was already used, so its session has been ended; sign in again."


class UserNotFound(NotFound):
    code = "user_not_found"
    message = "There is no such user."


class OwnRoleChange(Conflict):
    code = "own_role_change"
    message = "Admins cannot change their own role."


def as_response(error: AppError) -> Response:
    """The error as a response that is returned, not raised, so the request's unit of work
    still commits (used where a refusal must leave a trace, e.g. a revoked session)."""
    return error_response(
        error.status_code, error.code, error.message, details=error.details, headers=error.headers
    )


_DESCRIPTIONS = {
    400: "The body could not be read (not JSON, or not UTF-8)",
    401: "Not authenticated, or the credentials are invalid",
    403: "Authenticated but not allowed",
    404: "Not found",
    409: "Conflicts with the current state",
    422: "Invalid input; `details` names the fields",
    429: "Rate limited; see Retry-After",
}

error_responses = partial(kit_error_responses, descriptions=_DESCRIPTIONS)
