"""Reporting periods: a Vietnam day, month, quarter, year, or a custom range of days (both ends included)."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True, order=True)
class Period:
    first: date
    last: date
    grain: str = "total"

    @classmethod
    def day(cls, day: date) -> Period:
        return cls(day, day, "day")

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        return cls(date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1]), "month")

    @classmethod
    def quarter(cls, year: int, quarter: int) -> Period:
        first = date(year, 3 * quarter - 2, 1)
        return cls(first, Period.month(year, 3 * quarter).last, "quarter")

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(date(year, 1, 1), date(year, 12, 31), "year")

    @classmethod
    def custom(cls, first: date, last: date) -> Period:
        if last < first:
            raise ValueError(f"a period cannot end ({last}) before it starts ({first})")
        return cls(first, last, "total")

    @property
    def key(self) -> str:
        """The name the store's queries give this period's bucket (``portal_queries._bucket``)."""
        if self.grain == "day":
            return self.first.isoformat()
        if self.grain == "month":
            return self.first.strftime("%Y-%m")
        if self.grain == "quarter":
            return f"{self.first.year}-Q{(self.first.month + 2) // 3}"
        if self.grain == "year":
            return str(self.first.year)
        return "total"


def split(first: date, last: date, grain: str) -> list[Period]:
    """The periods of ``grain`` that ``first..last`` touches, clipped to it; ``total`` gives one period."""
    if grain == "total":
        return [Period.custom(first, last)]
    periods, day = [], first
    while day <= last:
        whole = {
            "day": lambda d: Period.day(d),
            "month": lambda d: Period.month(d.year, d.month),
            "quarter": lambda d: Period.quarter(d.year, (d.month + 2) // 3),
            "year": lambda d: Period.year(d.year),
        }[grain](day)
        periods.append(Period(max(whole.first, first), min(whole.last, last), grain))
        day = whole.last + timedelta(days=1)
    return periods


PRESETS = ("this_month", "last_month", "this_quarter", "this_year", "last_12_months")
"""The explorer's ready-made periods (docs/analytics.md#periods); ``custom`` is any range of days."""


def preset(name: str, today: date) -> Period:
    """A ready-made period as of Vietnam day ``today``: the current ones end today, the past ones are whole."""
    if name == "this_month":
        return Period.custom(today.replace(day=1), today)
    if name == "last_month":
        last = today.replace(day=1) - timedelta(days=1)
        return Period.custom(last.replace(day=1), last)
    if name == "this_quarter":
        return Period.custom(Period.quarter(today.year, (today.month + 2) // 3).first, today)
    if name == "this_year":
        return Period.custom(date(today.year, 1, 1), today)
    if name == "last_12_months":
        last = today.replace(day=1) - timedelta(days=1)
        return Period.custom(_months_before(today.replace(day=1), 12), last)
    raise ValueError(f"unknown period preset {name!r} (one of {', '.join(PRESETS)})")


def previous(period: Period) -> Period:
    """The period of equal length just before ``period``: as many whole months when it is whole months
    (so March 2026 is compared with February, not with 31 days from 29 January), else as many days."""
    following = period.last + timedelta(days=1)
    if period.first.day == 1 and following.day == 1:
        months = (following.year - period.first.year) * 12 + following.month - period.first.month
        return Period.custom(_months_before(period.first, months), period.first - timedelta(days=1))
    length = period.last - period.first
    last = period.first - timedelta(days=1)
    return Period.custom(last - length, last)


def _months_before(first_of_month: date, months: int) -> date:
    index = first_of_month.year * 12 + first_of_month.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)
