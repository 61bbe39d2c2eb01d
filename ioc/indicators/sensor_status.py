"""What each sensor's position on a map says: its VN_AQI band, its gauge alarm level, or that it is silent.

Pure: it takes the registry rows, the latest values and the hourly means (from the rollups) and the moment
"now" (UTC). Every status has a key, so that pages show a label next to its colour (readable without colour).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from ioc.indicators.aqi import AQI, CATEGORIES, POLLUTANTS, hourly_aqi
from ioc.indicators.gauges import alarm_level

SILENT_AFTER = timedelta(hours=1)
"""A sensor with no reading for this long shows as silent (the shipped alert rule warns after 30 minutes)."""
AQI_HOURS = 12
"""Hours of means VN_AQI needs before the hour it is for (the NowCast of PM2.5 and PM10)."""

AQI_BANDS = ("good", "moderate", "poor", "bad", "very_bad", "hazardous")
"""Keys of the VN_AQI bands of Decision 1459, in the order of ``aqi.CATEGORIES``."""
GAUGE_COLOURS = ("#38bdf8", "#facc15", "#f97316", "#d946ef")
"""Below alarm I, alarm I, II, III: light blue, yellow, orange, magenta (told apart without red-green)."""
SILENT_COLOUR = "#94a3b8"
REPORTING_COLOUR = "#f8fafc"


@dataclass(frozen=True)
class SensorStatus:
    sensor_id: str
    name: str
    kind: str
    lon: float | None
    lat: float | None
    status: str  # "aqi.<band>", "gauge.<0-3>", "reporting", "no_index" or "silent"
    colour: str
    value: float | None  # VN_AQI, water level (m), or None
    ts: datetime | None  # newest reading of any metric


def aqi_band(value: int) -> tuple[str, str]:
    """(band key, colour) of a VN_AQI value."""
    for key, (upper, _vi, _en, colour) in zip(AQI_BANDS, CATEGORIES, strict=True):
        if value <= upper:
            return key, colour
    return AQI_BANDS[-1], CATEGORIES[-1][3]


def current_aqi(means: Mapping[str, Mapping[datetime, float]], newest: datetime) -> AQI | None:
    """VN_AQI of the hour holding the newest reading (the hour now under way may have no mean yet)."""
    return hourly_aqi(means, newest.replace(minute=0, second=0, microsecond=0))


def statuses(sensors: list[dict], latest: Mapping[str, Mapping[str, tuple[datetime, float]]],
             means: Mapping[str, Mapping[str, Mapping[datetime, float]]], now: datetime) -> list[SensorStatus]:
    """One status per registered sensor (rows of ``queries.sensors``).

    ``latest``: sensor id -> metric -> (time, value); ``means``: sensor id -> metric -> hour -> mean.
    """
    result = []
    for sensor in sensors:
        values = latest.get(sensor["id"], {})
        newest = max((ts for ts, _value in values.values()), default=None)
        status, colour, value = _status(sensor, values, means.get(sensor["id"], {}), newest, now)
        result.append(SensorStatus(sensor["id"], sensor["name"], sensor["kind"], sensor["lon"], sensor["lat"],
                                   status, colour, value, newest))
    return result


def _status(sensor, values, means, newest, now) -> tuple[str, str, float | None]:
    if newest is None or now - newest > SILENT_AFTER:
        return "silent", SILENT_COLOUR, None
    if sensor["kind"] == "air_quality" and any(metric in POLLUTANTS for metric in values):
        aqi = current_aqi(means, newest)
        if aqi is None:
            return "no_index", REPORTING_COLOUR, None
        band, colour = aqi_band(aqi.value)
        return f"aqi.{band}", colour, float(aqi.value)
    levels = sensor["metrics"].get("water_level", {}).get("alarm_levels")
    if levels and "water_level" in values:
        water = values["water_level"][1]
        level = alarm_level(water, levels)
        return f"gauge.{level}", GAUGE_COLOURS[level], water
    return "reporting", REPORTING_COLOUR, None
