"""Time in the IOC: everything is stored in UTC; days, months and "today" are Vietnam local time."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")


def utcnow() -> datetime:
    return datetime.now(UTC)


def as_utc(moment: datetime) -> datetime:
    """Return an aware UTC datetime; a naive one is taken to be UTC already (the store's convention)."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def local_day(moment: datetime) -> date:
    """The Vietnam calendar day a UTC moment falls on."""
    return as_utc(moment).astimezone(VIETNAM).date()


def local_day_start(day: date) -> datetime:
    """Midnight of a Vietnam calendar day, as a UTC moment."""
    return datetime.combine(day, time.min, tzinfo=VIETNAM).astimezone(UTC)


def local_day_bounds(day: date) -> tuple[datetime, datetime]:
    """[start, end) of a Vietnam calendar day in UTC."""
    return local_day_start(day), local_day_start(day + timedelta(days=1))
