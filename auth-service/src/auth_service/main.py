"""The auth service's app: its routes, and its signing keys loaded (or created) at startup."""

from datetime import timedelta

from fastapi import FastAPI
from service_kit.app import KitState, create_service_app

from auth_service import service
from auth_service.config import AuthSettings, get_settings
from auth_service.dependencies import LOGIN_THROTTLE, TOKENS
from auth_service.routes import router
from auth_service.security import TokenIssuer, jwks, key_cipher
from auth_service.throttle import LoginThrottle


def create_app(settings: AuthSettings | None = None) -> FastAPI:
    settings = settings or get_settings()

    async def load_keys(kit: KitState) -> None:
        assert kit.sessions is not None
        assert kit.redis is not None
        assert kit.verifier is not None
        assert kit.verifier.revocations is not None
        async with kit.sessions() as session, session.begin():
            keys = await service.load_signing_keys(session, key_cipher(settings.key_encryption_key))
        # The service verifies its own tokens from memory, without asking its JWKS endpoint.
        kit.verifier.set_keys(jwks(keys.public_jwks))
        kit.extra[TOKENS] = service.Tokens(
            issuer=TokenIssuer(
                keys.signing,
                issuer=settings.jwt_issuer,
                audience=settings.jwt_audience,
                ttl_seconds=settings.access_token_ttl_seconds,
            ),
            revocations=kit.verifier.revocations,
            refresh_ttl=timedelta(days=settings.refresh_token_ttl_days),
        )
        kit.extra[LOGIN_THROTTLE] = LoginThrottle(
            kit.redis,
            max_failures=settings.login_max_failures,
            max_failures_per_address=settings.login_max_failures_per_address,
            window_seconds=settings.login_failure_window_seconds,
        )

    return create_service_app(
        settings,
        title="auth-service",
        description="Users, sessions and refresh tokens, signing keys; issues access tokens.",
        routers=[router],
        on_startup=[load_keys],
    )
