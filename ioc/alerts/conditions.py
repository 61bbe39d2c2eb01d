"""Which targets of a rule are in its condition now: pure functions of query results, one per rule type.

Each returns target -> ``Condition``. A target is a natural key: a sensor id, a collector name, a unit code.
``open_targets`` (targets with an active alert) matter only to thresholds, whose hysteresis keeps an open
alert until the value is back past ``clear_level``.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from ioc.alerts.rules import AQI_BANDS
from ioc.indicators.aqi import hourly_aqi
from ioc.indicators.gauges import alarm_level


@dataclass(frozen=True)
class Condition:
    target: str
    name: str
    value: float | None
    limit: float | None
    source: str
    unit_code: str | None = None


def _sensor(sensor: Mapping, value: float | None, limit: float | None) -> Condition:
    return Condition(sensor["id"], sensor["name"], value, limit, "sensor", sensor["unit_code"])


def threshold(rule, sensors: Sequence[Mapping], latest: Mapping[str, float],
              open_targets: Collection[str]) -> dict[str, Condition]:
    """In condition at or beyond ``level``; an open alert stays until the value is back past ``clear_level``."""
    above = rule.direction == "above"
    found = {}
    for sensor in sensors:
        value = latest.get(sensor["id"])
        if value is None:
            continue
        limit = rule.level if sensor["id"] not in open_targets or rule.clear_level is None else rule.clear_level
        if (value >= limit) if above else (value <= limit):
            found[sensor["id"]] = _sensor(sensor, value, rule.level)
    return found


def rate_of_change(rule, sensors: Sequence[Mapping],
                   series: Mapping[str, Sequence[tuple[datetime, float]]]) -> dict[str, Condition]:
    """In condition when latest minus earliest reading of the window moved by ``change`` in ``direction``."""
    found = {}
    for sensor in sensors:
        points = series.get(sensor["id"], ())
        if len(points) < 2:
            continue
        delta = points[-1][1] - points[0][1]
        moved = {"rise": delta, "fall": -delta, "either": abs(delta)}[rule.direction]
        if moved >= rule.change:
            found[sensor["id"]] = _sensor(sensor, delta, rule.change)
    return found


def gauge_level(rule, sensors: Sequence[Mapping], latest: Mapping[str, float]) -> dict[str, Condition]:
    """In condition while the latest water level is at or above the gauge's alarm level I, II or III."""
    found = {}
    for sensor in sensors:
        levels = sensor["metrics"].get(rule.metric, {}).get("alarm_levels")
        value = latest.get(sensor["id"])
        if levels and value is not None and alarm_level(value, levels) >= rule.level:
            found[sensor["id"]] = _sensor(sensor, value, levels[rule.level - 1])
    return found


def aqi_band(rule, sensors: Sequence[Mapping], means: Mapping[str, Mapping[str, Mapping[datetime, float]]],
             hour: datetime) -> dict[str, Condition]:
    """In condition while the station's hourly VN_AQI (NowCast, Decision 1459) of ``hour`` is in the band or
    worse. ``means`` is sensor -> pollutant -> hour start -> mean (µg/m³)."""
    floor = AQI_BANDS[rule.band]
    found = {}
    for sensor in sensors:
        aqi = hourly_aqi(means.get(sensor["id"], {}), hour)
        if aqi is not None and aqi.value >= floor:
            found[sensor["id"]] = _sensor(sensor, aqi.value, floor)
    return found


def silent_sensors(rule, sensors: Sequence[Mapping], heard: Mapping[str, datetime], now: datetime,
                   watching_since: datetime | None) -> dict[str, Condition]:
    """Sensors with no reading for more than ``minutes``; the value is the minutes of silence, None if never
    heard. A sensor never heard is silent once the engine has watched for ``minutes`` (``watching_since``, its
    first pass; None before it), so a fresh start does not raise one alert per sensor at once."""
    found = {}
    for sensor in sensors:
        last = heard.get(sensor["id"])
        if _silent(last, now, watching_since, rule.minutes):
            found[sensor["id"]] = _sensor(sensor, _minutes(now - last) if last else None, rule.minutes)
    return found


def silent_collector(rule, last_success: Mapping[str, datetime | None], now: datetime,
                     watching_since: datetime | None) -> dict[str, Condition]:
    """The collector has had no successful run for more than ``minutes`` (or none since the engine has
    watched for ``minutes``)."""
    last = last_success.get(rule.collector)
    if not _silent(last, now, watching_since, rule.minutes):
        return {}
    value = _minutes(now - last) if last else None
    return {rule.collector: Condition(rule.collector, rule.collector, value, rule.minutes, "collector")}


def _silent(last: datetime | None, now: datetime, watching_since: datetime | None, minutes: float) -> bool:
    since = last if last is not None else watching_since
    return since is not None and now - since > timedelta(minutes=minutes)


def indicator_below_target(rule, latest: Mapping[str, float], target: float,
                           unit_names: Mapping[str, str], indicator_name: str) -> dict[str, Condition]:
    """Units whose latest value of the indicator is below ``target``."""
    return {
        unit: Condition(unit, f"{indicator_name} – {unit_names.get(unit, unit)}", value, target, "indicator", unit)
        for unit, value in latest.items() if value < target
    }


def feedback_overdue(rule, count: int, target: str, name: str) -> dict[str, Condition]:
    """More than ``above`` reports are past their due time in the unit (or the province) ``target``."""
    if count <= rule.above:
        return {}
    return {target: Condition(target, name, count, rule.above, "feedback", target)}


def collector_failing(rule, streaks: Mapping[str, int]) -> dict[str, Condition]:
    """Collectors whose latest ``runs`` finished runs all failed; the value is the whole streak's length (runs
    failed since the latest success), so an alert open for an hour says how long the source has been failing."""
    return {
        collector: Condition(collector, collector, streak, rule.runs, "collector")
        for collector, streak in streaks.items()
        if rule.collector in (None, collector) and streak >= rule.runs
    }


def store_space(rule, space) -> dict[str, Condition]:
    """The store's filesystem (``space``: path, free and total bytes) has less free room than the rule allows;
    the value is the free space in the rule's unit, MB or percent. ``space`` is None on PostgreSQL, whose disk
    cannot be seen from here: never in condition."""
    if space is None:
        return {}
    if rule.min_free_mb is not None:
        value, limit = space.free_bytes / 1e6, rule.min_free_mb
    else:
        value, limit = 100 * space.free_bytes / space.total_bytes, rule.min_free_percent
    if value >= limit:
        return {}
    return {"store": Condition("store", space.path, round(value, 1), limit, "store")}


def _minutes(span: timedelta) -> float:
    return round(span.total_seconds() / 60, 1)
