"""Every feedback indicator for a period, from the store: the one place the dashboard pages, the staff page and
the wall display get them, so they all show the same numbers (formulas: docs/indicators.md)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Connection

from ioc.config import FeedbackSettings
from ioc.indicators import feedback as f
from ioc.store import feedback_queries as q
from ioc.timeutil import local_day_bounds


@dataclass(frozen=True)
class FeedbackReport:
    first: date
    last: date
    received: int
    on_time_rate: float | None
    satisfaction_rate: float | None
    median_handling_days: float | None
    backlog: int
    overdue: int
    by_category: dict[str, int]
    by_channel: dict[str, int]
    by_unit: dict[str | None, int]
    by_day: dict[date, int]

    def values(self) -> dict[str, float | None]:
        """Indicator code (data/indicators.csv) -> value."""
        return {"feedback_on_time_rate": self.on_time_rate, "feedback_satisfaction_rate": self.satisfaction_rate,
                "feedback_median_handling_days": self.median_handling_days, "feedback_overdue": self.overdue,
                "feedback_backlog": self.backlog, "feedback_received": self.received}


def feedback_report(connection: Connection, settings: FeedbackSettings, first: date, last: date, now: datetime,
                    unit_code: str | None = None) -> FeedbackReport:
    """Indicators of the reports received on Vietnam days ``first..last``; backlog and overdue are at ``now``."""
    start, end = local_day_bounds(first)[0], local_day_bounds(last)[1]
    reports = q.handled_reports(connection, start, end, unit_code)
    return FeedbackReport(
        first=first, last=last, received=len(reports),
        on_time_rate=f.on_time_rate(reports, now),
        satisfaction_rate=f.satisfaction_rate(reports, settings.unsatisfied_rating, now),
        median_handling_days=f.median_handling_days(reports),
        backlog=q.backlog_count(connection, unit_code), overdue=q.overdue_count(connection, now, unit_code),
        by_category=q.volume(connection, "category", start, end),
        by_channel=q.volume(connection, "channel", start, end),
        by_unit=q.volume(connection, "unit_code", start, end),
        by_day=f.daily_volume(q.received_times(connection, start, end), first, last),
    )
