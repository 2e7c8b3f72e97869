"""Report ranges: UTC, hour-aligned, `from` before `to`, defaults, caps."""

from datetime import UTC, datetime, timedelta, timezone

import pytest
from analytics_service.errors import InvalidRange, RangeTooLong
from analytics_service.timerange import Interval, TimeRange

NOW = datetime(2026, 3, 10, 14, 25, tzinfo=UTC)


def test_defaults_are_the_thirty_days_up_to_now_in_whole_hours():
    period = TimeRange.of(None, None, now=NOW)
    assert period == TimeRange(
        datetime(2026, 2, 8, 14, tzinfo=UTC), datetime(2026, 3, 10, 15, tzinfo=UTC)
    )


def test_times_in_another_zone_or_without_one_are_read_as_utc():
    paris = timezone(timedelta(hours=1))
    period = TimeRange.of(datetime(2026, 1, 1, 1, 30, tzinfo=paris), datetime(2026, 1, 2))
    assert period == TimeRange(
        datetime(2026, 1, 1, 0, tzinfo=UTC), datetime(2026, 1, 2, tzinfo=UTC)
    )


def test_from_must_be_before_to():
    with pytest.raises(InvalidRange):
        TimeRange.of(NOW, NOW)


def test_days_are_utc_days_and_the_buckets_are_counted():
    period = TimeRange.of(datetime(2026, 1, 1, 5, tzinfo=UTC), datetime(2026, 1, 3, 1, tzinfo=UTC))
    day = period.aligned(Interval.DAY)
    assert day == TimeRange(datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 1, 4, tzinfo=UTC))
    assert day.buckets(Interval.DAY) == 3
    assert period.buckets(Interval.HOUR) == 44


def test_a_range_over_the_cap_is_refused():
    with pytest.raises(RangeTooLong):
        TimeRange.of(datetime(2020, 1, 1), datetime(2024, 1, 1)).check_at_most(days=731)
