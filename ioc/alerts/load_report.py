"""The alarm-load report: ISA-18.2 / EEMUA 191 measures of one Vietnam calendar day, from the alert log.

Definitions (docs/alerts.md):
- raised: alerts raised during the day (``raise`` events);
- per 10 minutes: raised / 144, the day's 10-minute periods (about 1 is manageable for one operator), and the
  peak: the most raised in one period. Periods start at local midnight and every 10 minutes after it;
- flood: a period in which more than 10 alerts were raised;
- chattering: a rule and target with at least 3 transitions (raise or clear, across successive alerts)
  within 60 seconds;
- stale: an alert that during the day had been active for more than 24 hours.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import Connection

from ioc.store import alert_queries
from ioc.timeutil import local_day_bounds

PERIOD = timedelta(minutes=10)
PERIODS_PER_DAY = 144
FLOOD_ABOVE = 10
CHATTER_TRANSITIONS = 3
CHATTER_WINDOW = timedelta(seconds=60)
STALE_AFTER = timedelta(hours=24)


@dataclass(frozen=True)
class DayLoad:
    day: date
    raised: int
    per_10_minutes: float
    peak_10_minutes: int
    floods: list[datetime]
    """Start (UTC) of each flood period."""
    alerts_in_floods: int
    chattering: list[tuple[str, str]]
    """(rule id, target) of each chattering alert, sorted."""
    stale: list[int]
    """Ids of the alerts that were stale during the day."""


def measure(day: date, transitions: Iterable[Mapping], alerts: Iterable[Mapping], now: datetime) -> DayLoad:
    """The measures of ``day`` from its raise/clear events and the alerts active during it (both as the store's
    ``transitions`` and ``alerts_active_during`` return them). ``now`` ends a day that is not over yet."""
    start, end = local_day_bounds(day)
    end = min(end, now)
    transitions = [t for t in transitions if start <= t["ts"] < end]
    per_period: dict[int, int] = {}
    for t in transitions:
        if t["action"] == "raise":
            period = (t["ts"] - start) // PERIOD
            per_period[period] = per_period.get(period, 0) + 1
    raised = sum(per_period.values())
    floods = sorted(period for period, count in per_period.items() if count > FLOOD_ABOVE)
    return DayLoad(
        day=day,
        raised=raised,
        per_10_minutes=round(raised / PERIODS_PER_DAY, 2),
        peak_10_minutes=max(per_period.values(), default=0),
        floods=[start + period * PERIOD for period in floods],
        alerts_in_floods=sum(per_period[period] for period in floods),
        chattering=_chattering(transitions),
        stale=[alert["id"] for alert in alerts if _stale_during(alert, start, end)],
    )


def day_report(connection: Connection, day: date, now: datetime) -> DayLoad:
    """``measure`` of ``day`` read from the store."""
    start, end = local_day_bounds(day)
    return measure(day, alert_queries.transitions(connection, start, end),
                   alert_queries.alerts_active_during(connection, start, end), now)


def _chattering(transitions: list[Mapping]) -> list[tuple[str, str]]:
    times: dict[tuple[str, str], list[datetime]] = {}
    for t in transitions:
        times.setdefault((t["rule_id"], t["target"]), []).append(t["ts"])
    span = CHATTER_TRANSITIONS - 1
    return sorted(
        key for key, moments in times.items()
        if any(later - earlier <= CHATTER_WINDOW for earlier, later in zip(sorted(moments), sorted(moments)[span:],
                                                                            strict=False))
    )


def _stale_during(alert: Mapping, start: datetime, end: datetime) -> bool:
    """Active for more than 24 h at some moment in ``[start, end)``."""
    stale_from = alert["raised_at"] + STALE_AFTER
    cleared = alert["cleared_at"]
    return stale_from < end and (cleared is None or cleared > max(stale_from, start))
