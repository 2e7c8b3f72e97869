"""The reports' time ranges: UTC, `from` inclusive and `to` exclusive, validated and capped."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from analytics_service.errors import InvalidRange, RangeTooLong

DEFAULT_DAYS = 30
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class Interval(StrEnum):
    HOUR = "hour"
    DAY = "day"

    @property
    def step(self) -> timedelta:
        return timedelta(hours=1) if self is Interval.HOUR else timedelta(days=1)


def _utc(value: datetime) -> datetime:
    """A time without a zone is taken as UTC."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def floor(at: datetime, step: timedelta) -> datetime:
    return at - (at - EPOCH) % step


def ceil(at: datetime, step: timedelta) -> datetime:
    floored = floor(at, step)
    return floored if floored == at else floored + step


@dataclass(frozen=True, slots=True)
class TimeRange:
    start: datetime
    end: datetime

    @classmethod
    def of(
        cls, start: datetime | None, end: datetime | None, *, now: datetime | None = None
    ) -> "TimeRange":
        """`from`/`to` as given (either may be left out: `to` is now, `from` 30 days before
        `to`); hour-aligned, `from` down and `to` up, since the figures are kept per hour."""
        try:
            end_at = _utc(end) if end is not None else (now or datetime.now(UTC))
            start_at = _utc(start) if start is not None else end_at - timedelta(days=DEFAULT_DAYS)
            if start_at >= end_at:
                raise InvalidRange.of("`from` must be before `to`.")
            hour = Interval.HOUR.step
            return cls(floor(start_at, hour), ceil(end_at, hour))
        except OverflowError:
            raise InvalidRange.of("A time is out of range.") from None

    def aligned(self, interval: Interval) -> "TimeRange":
        try:
            return TimeRange(floor(self.start, interval.step), ceil(self.end, interval.step))
        except OverflowError:
            raise InvalidRange.of("A time is out of range.") from None

    def buckets(self, interval: Interval) -> int:
        return (self.end - self.start) // interval.step

    def check_at_most(self, *, days: int) -> None:
        if self.end - self.start > timedelta(days=days):
            raise RangeTooLong.of(f"A range of at most {days} days, please.")
