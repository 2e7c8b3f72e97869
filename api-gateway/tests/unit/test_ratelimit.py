"""Token buckets: a burst, then a steady rate, per key; memory stays bounded."""

from api_gateway.ratelimit import TokenBuckets, retry_after_seconds


def test_a_burst_then_the_steady_rate() -> None:
    buckets = TokenBuckets(rate_per_second=2.0, burst=3)
    assert [buckets.take("ip", 100.0) for _ in range(3)] == [0.0, 0.0, 0.0]
    wait = buckets.take("ip", 100.0)
    assert wait == 0.5
    assert buckets.take("ip", 100.5) == 0.0
    assert buckets.take("ip", 100.5) > 0


def test_keys_are_limited_separately() -> None:
    buckets = TokenBuckets(rate_per_second=1.0, burst=1)
    assert buckets.take("a", 0.0) == 0.0
    assert buckets.take("a", 0.0) > 0
    assert buckets.take("b", 0.0) == 0.0


def test_a_refused_request_does_not_cost_a_token() -> None:
    buckets = TokenBuckets(rate_per_second=1.0, burst=1)
    buckets.take("a", 0.0)
    for _ in range(100):
        buckets.take("a", 0.5)
    assert buckets.take("a", 1.0) == 0.0


def test_memory_is_bounded_by_forgetting_full_buckets() -> None:
    buckets = TokenBuckets(rate_per_second=10.0, burst=5, max_keys=100)
    for i in range(100):
        buckets.take(f"ip-{i}", 0.0)
    buckets.take("late", 10.0)  # every earlier bucket has refilled by now
    assert len(buckets) == 1


def test_retry_after_is_whole_seconds_at_least_one() -> None:
    assert retry_after_seconds(0.01) == 1
    assert retry_after_seconds(1.2) == 2
    assert retry_after_seconds(float("inf")) == 3600
