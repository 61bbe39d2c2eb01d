"""Sensor payloads received over MQTT, parsed into readings: a pure function of bytes, topic and arrival time.

Two formats (docs/sensors.md):
- a JSON object ``{"metric", "value", "ts"?, "unit"?, "sensor_id"?}``; the sensor id defaults to a level of
  the topic (by default the last: ``ioc/sensors/{sensor_id}``);
- a SenML pack (RFC 8428): a JSON array of records with base name, base time, base unit and base value.
  A record's full name is ``{sensor_id}/{metric}`` (or ``:`` as separator); a bare ``{metric}`` takes the
  sensor id from the topic.

A payload is used whole or rejected whole with a short reason code, so that one message is one decision.
Values are converted to the metric's canonical unit with the table ``CONVERSIONS`` and checked against the
registry's valid range.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from datetime import UTC, datetime

import orjson

from ioc.records import Reading
from ioc.sensors import Sensor
from ioc.timeutil import VIETNAM

MAX_PAYLOAD_BYTES = 64 * 1024
SENML_RELATIVE_TIME_LIMIT = 2**28
"""RFC 8428 §4.5.3: a SenML time below 2**28 is relative to now, not seconds since the epoch."""

REASONS = {
    "too_large": f"payload over {MAX_PAYLOAD_BYTES} bytes",
    "invalid_json": "not UTF-8 JSON",
    "wrong_type": "a field has the wrong JSON type",
    "missing_field": "a required field is absent",
    "not_finite": "value is NaN or infinite",
    "unknown_sensor": "sensor id not in the registry",
    "unknown_metric": "metric not declared for the sensor",
    "unknown_unit": "unit cannot be converted to the metric's canonical unit",
    "invalid_timestamp": "timestamp is neither ISO-8601 nor epoch seconds",
    "future_timestamp": "timestamp too far ahead of the arrival time",
    "out_of_range": "value outside the metric's valid range",
}
"""Every reason a payload is rejected for: the code stored in rejected_inputs, and what it means."""

UNIT_ALIASES = {
    "µg/m³": "ug/m3", "μg/m³": "ug/m3", "µg/m3": "ug/m3", "μg/m3": "ug/m3", "mg/m³": "mg/m3",
    "°C": "Cel", "degC": "Cel", "°F": "degF", "%": "%RH", "vehicles": "veh", "kmh": "km/h",
}
"""Spellings devices use for a unit -> the SenML-style symbol used here."""

CONVERSIONS: dict[tuple[str, str], tuple[float, float]] = {
    ("ug/m3", "mg/m3"): (1000.0, 0.0),
    ("m", "cm"): (0.01, 0.0),
    ("m", "mm"): (0.001, 0.0),
    ("mm", "cm"): (10.0, 0.0),
    ("mm", "m"): (1000.0, 0.0),
    ("Cel", "K"): (1.0, -273.15),
    ("Cel", "degF"): (5 / 9, -160 / 9),
    ("%RH", "/"): (100.0, 0.0),
    ("km/h", "m/s"): (3.6, 0.0),
}
"""(canonical unit, received unit) -> (scale, offset): canonical value = received value * scale + offset."""


class PayloadError(Exception):
    """A payload that cannot be used; ``reason`` is one of ``REASONS``, ``detail`` says what exactly."""

    def __init__(self, reason: str, detail: str):
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


def sensor_id_from_topic(topic: str, level: int) -> str | None:
    """The topic level that holds the sensor id (``level`` counts from 0; -1 is the last level)."""
    levels = topic.split("/")
    try:
        return levels[level] or None
    except IndexError:
        return None


def parse_payload(
    payload: bytes,
    topic_sensor_id: str | None,
    received_at: float,
    sensors: Mapping[str, Sensor],
    max_future_seconds: float = 300.0,
) -> list[Reading]:
    """Readings in ``payload`` (a JSON object or a SenML pack), or PayloadError.

    ``received_at`` is the arrival time in epoch seconds (UTC): the time of a reading without one, and the
    reference for rejecting timestamps more than ``max_future_seconds`` ahead.
    """
    if len(payload) > MAX_PAYLOAD_BYTES:
        raise PayloadError("too_large", f"{len(payload)} bytes (limit {MAX_PAYLOAD_BYTES})")
    document = _decode(payload)
    context = (topic_sensor_id, received_at, sensors, received_at + max_future_seconds)
    if isinstance(document, dict):
        return [_reading_from_object(document, context)]
    if isinstance(document, list):
        return _readings_from_senml(document, context)
    raise PayloadError("wrong_type", f"payload is a JSON {type(document).__name__}, not an object or array")


def _decode(payload: bytes):
    try:
        return orjson.loads(payload)
    except orjson.JSONDecodeError as exc:
        error = exc
    # orjson refuses NaN and Infinity; the standard parser reads them, so that they are rejected as
    # not_finite (what they are) rather than as invalid JSON.
    try:
        return json.loads(payload.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise PayloadError("invalid_json", str(error)) from None


def _reading_from_object(document: dict, context) -> Reading:
    topic_sensor_id, received_at, _, _ = context
    sensor_id = document.get("sensor_id", topic_sensor_id)
    for field in ("metric", "value"):
        if field not in document:
            raise PayloadError("missing_field", f"no {field!r}")
    return _reading(sensor_id, document["metric"], document["value"], document.get("unit"),
                    _timestamp(document.get("ts"), received_at), context)


def _readings_from_senml(pack: list, context) -> list[Reading]:
    topic_sensor_id, received_at, _, _ = context
    if not pack:
        raise PayloadError("missing_field", "empty SenML pack")
    base_name, base_time, base_unit, base_value = "", 0.0, None, 0.0
    readings = []
    for index, record in enumerate(pack):
        if not isinstance(record, dict):
            raise PayloadError("wrong_type", f"SenML record {index} is not an object")
        base_name = _typed(record, "bn", str, base_name)
        base_time = _number(record, "bt", base_time)
        base_unit = _typed(record, "bu", str, base_unit)
        base_value = _number(record, "bv", base_value)
        name = base_name + _typed(record, "n", str, "")
        if not name:
            raise PayloadError("missing_field", f"SenML record {index} has no name")
        separator = max(name.rfind("/"), name.rfind(":"))
        sensor_id, metric = (name[:separator], name[separator + 1:]) if separator >= 0 else (topic_sensor_id, name)
        if "v" not in record:
            kinds = [key for key in ("vs", "vb", "vd") if key in record]
            if kinds:
                raise PayloadError("wrong_type", f"SenML record {index} has a {kinds[0]!r} value, not a number")
            raise PayloadError("missing_field", f"SenML record {index} has no value")
        value = base_value + _number(record, "v", 0.0)
        moment = base_time + _number(record, "t", 0.0)
        if moment < SENML_RELATIVE_TIME_LIMIT:
            moment += received_at
        readings.append(_reading(sensor_id, metric, value, _typed(record, "u", str, base_unit),
                                 _epoch(moment), context))
    return readings


def _typed(record: dict, key: str, kind: type, default):
    value = record.get(key, default)
    if value is not default and not isinstance(value, kind):
        raise PayloadError("wrong_type", f"{key!r} is a {type(value).__name__}, not a {kind.__name__}")
    return value


def _number(record: dict, key: str, default: float) -> float:
    value = record.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise PayloadError("wrong_type", f"{key!r} is a {type(value).__name__}, not a number")
    try:
        value = float(value)
    except OverflowError:
        raise PayloadError("not_finite", f"{key!r} is too large for a float") from None
    if not math.isfinite(value):
        raise PayloadError("not_finite", f"{key!r} is {value}")
    return value


def _reading(sensor_id, metric, value, unit, ts: datetime, context) -> Reading:
    _, _, sensors, latest = context
    if not isinstance(sensor_id, str):
        raise PayloadError("unknown_sensor" if sensor_id is None else "wrong_type",
                           "no sensor id in the payload or the topic" if sensor_id is None
                           else f"'sensor_id' is a {type(sensor_id).__name__}, not a str")
    if not isinstance(metric, str):
        raise PayloadError("wrong_type", f"'metric' is a {type(metric).__name__}, not a str")
    value = _number({"value": value}, "value", 0.0)
    sensor = sensors.get(sensor_id)
    if sensor is None:
        raise PayloadError("unknown_sensor", f"no sensor {sensor_id[:80]!r} in the registry")
    spec = sensor.metrics.get(metric)
    if spec is None:
        raise PayloadError("unknown_metric", f"sensor {sensor_id!r} has no metric {metric[:80]!r}")
    if unit is not None:
        if not isinstance(unit, str):
            raise PayloadError("wrong_type", f"'unit' is a {type(unit).__name__}, not a str")
        unit = UNIT_ALIASES.get(unit, unit)
        if unit != spec.unit:
            conversion = CONVERSIONS.get((spec.unit, unit))
            if conversion is None:
                raise PayloadError("unknown_unit", f"cannot convert {unit[:40]!r} to {spec.unit!r} for {metric!r}")
            value = value * conversion[0] + conversion[1]
    if not spec.min <= value <= spec.max:
        raise PayloadError("out_of_range", f"{metric} = {value:g} {spec.unit} outside [{spec.min:g}, {spec.max:g}]")
    if ts.timestamp() > latest:
        raise PayloadError("future_timestamp", f"{ts.isoformat()} is ahead of the arrival time")
    return Reading(sensor_id, metric, ts, value)


def _timestamp(raw, received_at: float) -> datetime:
    if raw is None:
        return _epoch(received_at)
    if isinstance(raw, str):
        try:
            moment = datetime.fromisoformat(raw)
            return (moment if moment.tzinfo else moment.replace(tzinfo=VIETNAM)).astimezone(UTC)
        except (ValueError, OverflowError):
            raise PayloadError("invalid_timestamp", f"{raw[:60]!r} is not an ISO-8601 time") from None
    return _epoch(_number({"ts": raw}, "ts", 0.0))


def _epoch(seconds: float) -> datetime:
    try:
        return datetime.fromtimestamp(seconds, UTC)
    except (OverflowError, OSError, ValueError):
        raise PayloadError("invalid_timestamp", f"{seconds!r} is not a usable epoch time") from None
