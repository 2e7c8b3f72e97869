"""Token buckets per client address and per user, in process memory.

Cheap on the hot path (a dict lookup and some arithmetic, no I/O), at the price of holding per
gateway replica: N replicas allow N times the rate. A limit shared by all replicas would need a
Redis round trip per request; the per-user limits of the services that need one (login attempts)
live in those services.
"""

import math


class TokenBuckets:
    def __init__(self, rate_per_second: float, burst: float, max_keys: int = 100_000) -> None:
        self.rate = rate_per_second
        self.burst = max(1.0, burst)
        self.max_keys = max_keys
        # key -> [tokens left, time of the last update]
        self._buckets: dict[str, list[float]] = {}

    def take(self, key: str, now: float) -> float:
        """Take one token; 0.0 if there was one, else the seconds until there will be."""
        bucket = self._buckets.get(key)
        if bucket is None:
            if len(self._buckets) >= self.max_keys:
                self._prune(now)
            self._buckets[key] = [self.burst - 1.0, now]
            return 0.0
        tokens = min(self.burst, bucket[0] + (now - bucket[1]) * self.rate)
        bucket[1] = now
        if tokens >= 1.0:
            bucket[0] = tokens - 1.0
            return 0.0
        bucket[0] = tokens
        return (1.0 - tokens) / self.rate if self.rate > 0 else math.inf

    def _prune(self, now: float) -> None:
        """Forget buckets that have refilled; they behave exactly like new ones."""
        full_after = self.burst / self.rate if self.rate > 0 else math.inf
        self._buckets = {k: b for k, b in self._buckets.items() if now - b[1] < full_after}
        if len(self._buckets) >= self.max_keys:
            self._buckets.clear()

    def __len__(self) -> int:
        return len(self._buckets)


def retry_after_seconds(wait: float) -> int:
    return max(1, math.ceil(wait)) if math.isfinite(wait) else 3600
