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
