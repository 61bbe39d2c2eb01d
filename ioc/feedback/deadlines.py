"""Deadlines in working days: weekends and Vietnamese public holidays (Tết included) do not count.

The rule (docs/feedback.md#deadlines): a report received on a working day before the end of office hours is
received that day; one received later, or on a weekend or holiday, is received on the next working day.
Counting starts the working day after that, and the report is due at the end of office hours of the Nth
working day counted. Times are Vietnam local time; the result is a UTC moment.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache

import holidays

from ioc.timeutil import VIETNAM, as_utc


@lru_cache(maxsize=64)
def _calendar(year: int) -> holidays.HolidayBase:
    """Vietnam's public holidays of one year as the ``holidays`` package knows them, with the Saturdays worked
    to make up for a bridged day off (cached per year: a year's calendar does not change while running)."""
    return holidays.Vietnam(years=year)


def is_working_day(day: date) -> bool:
    """Monday to Friday and not a public holiday, or a Saturday worked in exchange for a bridged day off."""
    return _calendar(day.year).is_working_day(day)


def next_working_day(day: date) -> date:
    """The first working day strictly after ``day``."""
    day += timedelta(days=1)
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def receipt_day(received_at: datetime, day_end: time) -> date:
    """The working day a report received at ``received_at`` counts as received on."""
    local = as_utc(received_at).astimezone(VIETNAM)
    day = local.date()
    if is_working_day(day) and local.time() < day_end:
        return day
    return next_working_day(day)


def due_at(received_at: datetime, working_days: int, day_end: time) -> datetime:
    """When a report received at ``received_at`` with ``working_days`` to answer falls due (UTC)."""
    day = receipt_day(received_at, day_end)
    for _ in range(working_days):
        day = next_working_day(day)
    return datetime.combine(day, day_end, tzinfo=VIETNAM).astimezone(UTC)
