"""Sign-in throttling in Redis: attempts per identifier and client address in a fixed window.

An attempt is counted before the password is checked, so a burst of concurrent guesses cannot
slip past the limit; a successful sign-in clears the count. Keys hold a hash, not the email.
"""

import hashlib

from redis.asyncio import Redis

from auth_service.errors import LoginThrottled

_KEY = "auth:login-attempts:{digest}"


class LoginThrottle:
    def __init__(self, redis: Redis, *, max_failures: int, window_seconds: int) -> None:
        self.redis = redis
        self.max_failures = max_failures
        self.window_seconds = window_seconds

    @staticmethod
    def key(identifier: str, client: str) -> str:
        digest = hashlib.sha256(f"{identifier.lower()}\x00{client}".encode()).hexdigest()
        return _KEY.format(digest=digest)

    async def attempt(self, identifier: str, client: str) -> None:
        """Count an attempt; raises LoginThrottled once the earlier ones used up the limit."""
        key = self.key(identifier, client)
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.incr(key)
            pipe.expire(key, self.window_seconds, nx=True)
            pipe.ttl(key)
            attempts, _, ttl = await pipe.execute()
        if int(attempts) > self.max_failures:
            raise LoginThrottled(retry_after=int(ttl) if int(ttl) > 0 else self.window_seconds)

    async def succeeded(self, identifier: str, client: str) -> None:
        await self.redis.delete(self.key(identifier, client))
