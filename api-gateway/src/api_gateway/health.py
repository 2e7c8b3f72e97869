"""`GET /api/health`: each service's `/ready`, asked concurrently with a short timeout."""

import asyncio
import time
from typing import Literal

import aiohttp

State = Literal["up", "down"]


class HealthChecker:
    def __init__(self, service_urls: dict[str, str], timeout: float, cache_seconds: float) -> None:
        self.service_urls = service_urls
        self.timeout = aiohttp.ClientTimeout(total=timeout)
        self.cache_seconds = cache_seconds
        self._cached: tuple[float, dict[str, State]] | None = None

    async def check(self, http: aiohttp.ClientSession) -> dict[str, State]:
        """Up or down per service; one answer serves every caller for `cache_seconds`, so the
        public endpoint cannot be used to multiply load on the services."""
        now = time.monotonic()
        if self._cached is not None and now - self._cached[0] < self.cache_seconds:
            return self._cached[1]
        names = list(self.service_urls)
        states = await asyncio.gather(*(self._probe(http, self.service_urls[n]) for n in names))
        result = dict(zip(names, states, strict=True))
        self._cached = (time.monotonic(), result)
        return result

    async def _probe(self, http: aiohttp.ClientSession, base_url: str) -> State:
        try:
            async with http.get(f"{base_url}/ready", timeout=self.timeout) as resp:
                return "up" if resp.status == 200 else "down"
        except (aiohttp.ClientError, TimeoutError):
            return "down"
