"""The citizen-feedback indicators (formulas: docs/indicators.md#feedback_on_time_rate and the sections after
it). Pure functions over the reports a named query returns; rates are in % and ``None`` without data.

A report here is a mapping with ``status``, ``received_at``, ``due_at``, ``answered_at`` (UTC) and ``rating``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from statistics import median

from ioc.timeutil import local_day

SECONDS_PER_DAY = 86_400


def _answered(report: Mapping) -> bool:
    return report["answered_at"] is not None


def _late(report: Mapping, now: datetime) -> bool:
    """Answered after its due time, or still unanswered past it."""
    if report["due_at"] is None:
        return False
    return (report["answered_at"] or now) > report["due_at"]


def on_time_rate(reports: Iterable[Mapping], now: datetime) -> float | None:
    """Decision 766's feedback on time: answered by the deadline / reports in scope × 100.

    In scope: not rejected, and either answered or past the deadline at ``now`` (a report still within its
    time has no outcome yet)."""
    in_scope = [r for r in reports if r["status"] != "rejected" and (_answered(r) or _late(r, now))]
    if not in_scope:
        return None
    on_time = sum(1 for r in in_scope if _answered(r) and not _late(r, now))
    return 100 * on_time / len(in_scope)


def satisfaction_rate(reports: Iterable[Mapping], unsatisfied_rating: int, now: datetime) -> float | None:
    """Decision 766's satisfaction: (answered − answered late or rated unsatisfied) / answered × 100.

    A report counted as unsatisfied once even if it is both late and rated unsatisfied; an unrated report
    answered on time counts as satisfied, as Decision 766 counts dossiers without a complaint."""
    answered = [r for r in reports if _answered(r)]
    if not answered:
        return None
    unhappy = sum(1 for r in answered
                  if _late(r, now) or (r["rating"] is not None and r["rating"] <= unsatisfied_rating))
    return 100 * (len(answered) - unhappy) / len(answered)


def median_handling_days(reports: Iterable[Mapping]) -> float | None:
    """Median of (answered_at − received_at) over the answered reports, in calendar days (fractional)."""
    spans = [(r["answered_at"] - r["received_at"]).total_seconds() / SECONDS_PER_DAY
             for r in reports if _answered(r)]
    return median(spans) if spans else None


def daily_volume(received: Iterable[datetime], first: date, last: date) -> dict[date, int]:
    """Reports received on each Vietnam day ``first..last`` (days without a report are 0)."""
    counts = Counter(local_day(moment) for moment in received)
    days = {}
    day = first
    while day <= last:
        days[day] = counts.get(day, 0)
        day = date.fromordinal(day.toordinal() + 1)
    return days
