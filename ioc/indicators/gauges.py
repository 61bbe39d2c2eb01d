"""Flood alarm level of a water gauge (mực nước báo động I/II/III), from its latest reading."""

from collections.abc import Sequence

LEVEL_NAMES = {0: "dưới báo động I", 1: "báo động I", 2: "báo động II", 3: "báo động III"}


def alarm_level(water_level: float, levels: Sequence[float]) -> int:
    """0 below alarm level I, else the highest level (1, 2 or 3) the water has reached (at or above).

    ``levels`` are the station's alarm levels I, II, III in the reading's unit (metres above datum).
    """
    return sum(water_level >= level for level in levels)


def gauge_alarms(gauges: list[dict], latest: list[dict], metric: str = "water_level") -> list[dict]:
    """Per gauge (rows of ``queries.sensors``): its latest level, time and alarm level (None when silent).

    ``latest`` are rows of ``queries.latest_readings``.
    """
    newest = {row["sensor_id"]: row for row in latest if row["metric"] == metric}
    result = []
    for gauge in gauges:
        spec = gauge["metrics"].get(metric, {})
        reading = newest.get(gauge["id"])
        levels = spec.get("alarm_levels")
        result.append({
            "sensor_id": gauge["id"], "name": gauge["name"], "alarm_levels": levels,
            "value": reading["value"] if reading else None, "ts": reading["ts"] if reading else None,
            "level": alarm_level(reading["value"], levels) if reading and levels else None,
        })
    return result
