"""VN_AQI, Vietnam's air-quality index, per Decision 1459/QĐ-TCMT (12 November 2019) of the Vietnam
Environment Administration.

Concentrations are in µg/m³ (the registry's canonical unit for pollutants). Inputs are hourly means keyed by
the start of the hour (UTC); a missing hour is simply absent.

- Sub-index of one pollutant: linear interpolation in the decision's breakpoint table (Bảng 1),
  ``AQI = (I[i+1] - I[i]) / (BP[i+1] - BP[i]) * (C - BP[i]) + I[i]``, rounded to a whole number.
- Hourly: O3, CO, SO2, NO2 from the hour's mean (O3 also from its 8-hour mean, the larger counts);
  PM2.5 and PM10 from the NowCast of the last 12 hours, looked up in the 24-hour breakpoints.
- Daily (a Vietnam calendar day): PM2.5 and PM10 from the day's 24-hour mean; O3, CO, SO2, NO2 from the
  day's largest hourly mean (O3 also from its largest 8-hour mean).
- VN_AQI is the largest sub-index, and exists only when PM2.5 or PM10 has one (the decision requires one).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

INDEX_STEPS = (0, 50, 100, 150, 200, 300, 400, 500)
BREAKPOINTS: dict[str, tuple[float, ...]] = {
    "o3_1h": (0, 160, 200, 300, 400, 800, 1000, 1200),
    "o3_8h": (0, 100, 120, 170, 210, 400),
    "co": (0, 10000, 30000, 45000, 60000, 90000, 120000, 150000),
    "so2": (0, 125, 350, 550, 800, 1600, 2100, 2630),
    "no2": (0, 100, 200, 700, 1200, 2350, 3100, 3850),
    "pm10": (0, 50, 150, 250, 350, 420, 500, 600),
    "pm25": (0, 25, 50, 80, 150, 250, 350, 500),
}
"""Decision 1459, Bảng 1: concentration breakpoints BP[i] in µg/m³ for the index steps I[i] above.
O3 8-hour has no breakpoint above 400 µg/m³; there the 1-hour value decides."""

POLLUTANTS = ("pm25", "pm10", "o3", "co", "so2", "no2")
NOWCAST_HOURS = 12

CATEGORIES = (
    (50, "Tốt", "Good", "#00e400"),
    (100, "Trung bình", "Moderate", "#ffff00"),
    (150, "Kém", "Poor", "#ff7e00"),
    (200, "Xấu", "Bad", "#ff0000"),
    (300, "Rất xấu", "Very bad", "#8f3f97"),
    (500, "Nguy hại", "Hazardous", "#7e0023"),
)
"""Decision 1459, Bảng 2: upper bound of each band, Vietnamese and English label, colour (RGB)."""


@dataclass(frozen=True)
class AQI:
    value: int
    dominant: str
    sub_indices: dict[str, int]

    @property
    def category(self) -> tuple[str, str, str]:
        """(Vietnamese label, English label, colour) of the band the value falls in."""
        return category(self.value)


def category(value: int) -> tuple[str, str, str]:
    for upper, label_vi, label_en, colour in CATEGORIES:
        if value <= upper:
            return label_vi, label_en, colour
    return CATEGORIES[-1][1:]


def _round(value: float) -> int:
    """Half up, as the decision's examples round (Python's round() would round half to even)."""
    return math.floor(value + 0.5)


def sub_index(table: str, concentration: float) -> int | None:
    """The sub-index of a concentration in ``BREAKPOINTS[table]``; 500 at or beyond the top breakpoint,
    None beyond the top of a table that stops early (O3 8-hour above 400 µg/m³)."""
    points = BREAKPOINTS[table]
    concentration = max(concentration, 0.0)
    for i in range(len(points) - 1):
        if concentration <= points[i + 1]:
            low, high = points[i], points[i + 1]
            return _round((INDEX_STEPS[i + 1] - INDEX_STEPS[i]) / (high - low) * (concentration - low)
                          + INDEX_STEPS[i])
    return 500 if len(points) == len(INDEX_STEPS) else None


def nowcast(hourly: Sequence[float | None]) -> float | None:
    """NowCast of PM from hourly means, newest first (c1 = the current hour, up to c12).

    Decision 1459: w* = c_min / c_max over the 12 hours; w = w* if w* > 1/2, else 1/2.
    If w > 1/2, NowCast = Σ w^(i-1)·c_i / Σ w^(i-1); if w = 1/2, NowCast = Σ (1/2)^i·c_i.
    At least two of the three newest hours must have a value, else there is no NowCast.
    """
    values = list(hourly[:NOWCAST_HOURS])
    if sum(value is not None for value in values[:3]) < 2:
        return None
    present = [(i, c) for i, c in enumerate(values, start=1) if c is not None]
    c_max = max(c for _, c in present)
    if c_max <= 0:
        return 0.0
    w = min(c for _, c in present) / c_max
    if w <= 0.5:
        return sum(0.5**i * c for i, c in present)
    return sum(w ** (i - 1) * c for i, c in present) / sum(w ** (i - 1) for i, _ in present)


def _mean(values: Sequence[float | None], minimum: int) -> float | None:
    present = [value for value in values if value is not None]
    return sum(present) / len(present) if len(present) >= minimum else None


def _window(series: Mapping[datetime, float], end: datetime, hours: int) -> list[float | None]:
    """Hourly means of the ``hours`` hours ending with the hour starting at ``end``, newest first."""
    return [series.get(end - timedelta(hours=back)) for back in range(hours)]


def _o3(one_hour: float | None, eight_hour: float | None) -> int | None:
    candidates = [sub_index("o3_1h", one_hour) if one_hour is not None else None,
                  sub_index("o3_8h", eight_hour) if eight_hour is not None else None]
    candidates = [value for value in candidates if value is not None]
    return max(candidates) if candidates else None


def _combine(sub_indices: dict[str, int | None]) -> AQI | None:
    known = {pollutant: value for pollutant, value in sub_indices.items() if value is not None}
    if "pm25" not in known and "pm10" not in known:
        return None
    dominant = max(known, key=lambda pollutant: known[pollutant])
    return AQI(known[dominant], dominant, known)


def hourly_aqi(means: Mapping[str, Mapping[datetime, float]], hour: datetime) -> AQI | None:
    """VN_AQI of the hour starting at ``hour`` from ``means[pollutant][hour start]`` (µg/m³)."""
    def series(pollutant: str) -> Mapping[datetime, float]:
        return means.get(pollutant, {})

    sub_indices: dict[str, int | None] = {}
    for pm in ("pm25", "pm10"):
        value = nowcast(_window(series(pm), hour, NOWCAST_HOURS))
        sub_indices[pm] = sub_index(pm, value) if value is not None else None
    o3 = series("o3")
    sub_indices["o3"] = _o3(o3.get(hour), _mean(_window(o3, hour, 8), minimum=6))
    for gas in ("co", "so2", "no2"):
        value = series(gas).get(hour)
        sub_indices[gas] = sub_index(gas, value) if value is not None else None
    return _combine(sub_indices)


def daily_aqi(means: Mapping[str, Mapping[datetime, float]], hours: Sequence[datetime]) -> AQI | None:
    """VN_AQI of a day given its 24 hour starts (UTC, of the Vietnam calendar day), oldest first.

    PM needs at least 18 of the 24 hourly means (75 %) for its 24-hour mean.
    """
    sub_indices: dict[str, int | None] = {}
    for pm in ("pm25", "pm10"):
        value = _mean([means.get(pm, {}).get(h) for h in hours], minimum=18)
        sub_indices[pm] = sub_index(pm, value) if value is not None else None
    o3 = means.get("o3", {})
    one_hour = [o3[h] for h in hours if h in o3]
    eight_hour = [m for h in hours if (m := _mean(_window(o3, h, 8), minimum=6)) is not None]
    sub_indices["o3"] = _o3(max(one_hour, default=None), max(eight_hour, default=None))
    for gas in ("co", "so2", "no2"):
        values = [means.get(gas, {})[h] for h in hours if h in means.get(gas, {})]
        sub_indices[gas] = sub_index(gas, max(values)) if values else None
    return _combine(sub_indices)
