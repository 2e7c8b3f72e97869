"""Sign-in throttling in Redis: failed attempts per account and per client address, each in a
fixed window.

The account is the user the identifier names, whether it was given as the email or the
username (both count together); an identifier that names no one counts under its normalised
self, so probing unknown names is throttled alike. The client address is what the service
believes (the kit's FORWARDED_ALLOW_IPS: only the gateway may name the client), and its limit is
higher, since many customers can share one address. An attempt is counted on both before the
password is checked, so a burst of concurrent guesses cannot slip past either limit; a
successful sign-in clears the account's count and takes its own attempt back off the
address's. Keys hold a hash, not the email or the address.
"""

import hashlib

from redis.asyncio import Redis

from auth_service.errors import LoginThrottled

_KEY = "auth:login-failures:{kind}:{digest}"


def _key(kind: str, value: str) -> str:
    return _KEY.format(kind=kind, digest=hashlib.sha256(value.encode()).hexdigest())


class LoginThrottle:
    def __init__(
        self,
        redis: Redis,
        *,
        max_failures: int,
        max_failures_per_address: int,
        window_seconds: int,
    ) -> None:
        self.redis = redis
        self.max_failures = max_failures
        self.max_failures_per_address = max_failures_per_address
        self.window_seconds = window_seconds

    async def attempt(self, account: str, client: str) -> None:
        """Count an attempt on the account and the address; raises LoginThrottled once the
        earlier ones used up either limit."""
        account_key, address_key = _key("account", account), _key("address", client)
        async with self.redis.pipeline(transaction=True) as pipe:
            for key in (account_key, address_key):
                pipe.incr(key)
                pipe.expire(key, self.window_seconds, nx=True)
                pipe.ttl(key)
            on_account, _, account_ttl, on_address, _, address_ttl = await pipe.execute()
        waits = []
        if int(on_account) > self.max_failures:
            waits.append(int(account_ttl))
        if int(on_address) > self.max_failures_per_address:
            waits.append(int(address_ttl))
        if waits:
            wait = max(waits)
            raise LoginThrottled(retry_after=wait if wait > 0 else self.window_seconds)

    async def succeeded(self, account: str, client: str) -> None:
        address_key = _key("address", client)
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.delete(_key("account", account))
            pipe.decr(address_key)
            await pipe.execute()
