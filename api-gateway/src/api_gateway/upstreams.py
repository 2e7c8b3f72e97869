"""The one pooled HTTP client per process that carries proxied requests to the services."""

import aiohttp

from api_gateway.config import GatewaySettings


def upstream_session(settings: GatewaySettings) -> aiohttp.ClientSession:
    """A client that passes bytes through as they are.

    No cookie jar (a proxy must never keep one user's cookies for the next), no decompression
    (the encoded body and its Content-Encoding go to the client together), no redirects
    followed, and none of aiohttp's default headers added to what the client sent.
    """
    connector = aiohttp.TCPConnector(
        limit=settings.upstream_pool_size,
        keepalive_timeout=settings.upstream_keepalive_seconds,
        ttl_dns_cache=300,
    )
    return aiohttp.ClientSession(
        connector=connector,
        cookie_jar=aiohttp.DummyCookieJar(),
        auto_decompress=False,
        skip_auto_headers=("Accept", "Accept-Encoding", "User-Agent", "Content-Type"),
        trust_env=False,
        timeout=upstream_timeout(settings),
    )


def upstream_timeout(settings: GatewaySettings) -> aiohttp.ClientTimeout:
    return aiohttp.ClientTimeout(
        total=None,
        connect=settings.upstream_timeout_seconds,  # includes waiting for a pooled connection
        sock_connect=settings.upstream_connect_timeout_seconds,
        sock_read=settings.upstream_timeout_seconds,
    )
