"""Parsing sensor payloads: both formats, unit conversion, and a named reason for every bad payload."""

import json
import math
import re
from datetime import UTC, datetime

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from collectors.sensor_payloads import (
    MAX_PAYLOAD_BYTES,
    REASONS,
    PayloadError,
    parse_payload,
    sensor_id_from_topic,
)
from ioc.records import Reading
from ioc.sensors import load_registry
from tests.conftest import REPO

SENSORS = load_registry(REPO / "data" / "sensors.yaml")
ARRIVAL = datetime(2026, 11, 25, 3, 0, tzinfo=UTC).timestamp()
AT = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)


def parse(payload, topic_sensor="aq-dongxoai-tanphu"):
    if not isinstance(payload, bytes):
        payload = orjson.dumps(payload)
    return parse_payload(payload, topic_sensor, ARRIVAL, SENSORS)


def test_a_json_object_takes_its_sensor_from_the_topic_and_its_time_from_arrival():
    assert parse({"metric": "pm25", "value": 35.5}) == [Reading("aq-dongxoai-tanphu", "pm25", AT, 35.5)]


def test_the_sensor_id_in_the_payload_wins_over_the_topic():
    readings = parse({"metric": "rainfall", "value": 3, "sensor_id": "rain-dongxoai"})
    assert readings == [Reading("rain-dongxoai", "rainfall", AT, 3.0)]


@pytest.mark.parametrize("ts", ["2026-11-25T02:55:00Z", "2026-11-25T09:55:00+07:00", "2026-11-25T09:55:00",
                                datetime(2026, 11, 25, 2, 55, tzinfo=UTC).timestamp()])
def test_timestamps_in_iso_8601_or_epoch_seconds_naive_meaning_vietnam_time(ts):
    (reading,) = parse({"metric": "pm25", "value": 1, "ts": ts})
    assert reading.ts == datetime(2026, 11, 25, 2, 55, tzinfo=UTC)


@pytest.mark.parametrize(("sensor", "metric", "value", "unit", "stored"), [
    ("aq-dongxoai-tanphu", "pm25", 0.035, "mg/m3", 35.0),
    ("aq-dongxoai-tanphu", "pm25", 35, "µg/m³", 35.0),
    ("aq-dongxoai-tanphu", "temperature", 303.15, "K", 30.0),
    ("wl-be-tanthanh", "water_level", 2650, "cm", 26.5),
    ("rain-dongxoai", "rainfall", 1.5, "cm", 15.0),
    ("traffic-ql14-dongxoai", "speed", 10, "m/s", 36.0),
])
def test_values_are_converted_to_the_canonical_unit(sensor, metric, value, unit, stored):
    (reading,) = parse({"metric": metric, "value": value, "unit": unit}, sensor)
    assert reading.value == pytest.approx(stored)


def test_a_senml_pack_with_base_name_time_and_unit():
    pack = [
        {"bn": "aq-kcn-bacdongphu/", "bt": 1.7644e9, "bu": "ug/m3", "n": "pm25", "v": 41.2},
        {"n": "pm10", "v": 80, "t": 60},
        {"n": "temperature", "u": "Cel", "v": 31.5},
    ]
    readings = parse(pack, topic_sensor=None)
    at = datetime.fromtimestamp(1.7644e9, UTC)
    assert readings == [
        Reading("aq-kcn-bacdongphu", "pm25", at, 41.2),
        Reading("aq-kcn-bacdongphu", "pm10", datetime.fromtimestamp(1.7644e9 + 60, UTC), 80.0),
        Reading("aq-kcn-bacdongphu", "temperature", at, 31.5),
    ]


def test_senml_relative_times_and_bare_names_use_the_arrival_time_and_the_topic():
    readings = parse([{"n": "rainfall", "v": 2, "t": -300, "bv": 1}], topic_sensor="rain-locninh")
    assert readings == [Reading("rain-locninh", "rainfall", datetime(2026, 11, 25, 2, 55, tzinfo=UTC), 3.0)]


def test_the_sensor_id_comes_from_the_configured_topic_level():
    assert sensor_id_from_topic("ioc/sensors/rain-locninh", -1) == "rain-locninh"
    assert sensor_id_from_topic("ioc/senml/rain-locninh/up", 2) == "rain-locninh"
    assert sensor_id_from_topic("ioc/sensors/", -1) is None
    assert sensor_id_from_topic("ioc", 3) is None


BAD_PAYLOADS = [
    ("invalid_json", b'{"metric": "pm25", "value": ', "unexpected end"),
    ("invalid_json", b"\xff\xfe{}", "not valid UTF-8"),
    ("wrong_type", {"metric": "pm25", "value": "35"}, "'value' is a str, not a number"),
    ("wrong_type", {"metric": "pm25", "value": True}, "'value' is a bool"),
    ("wrong_type", {"metric": 25, "value": 1}, "'metric' is a int"),
    ("wrong_type", {"metric": "pm25", "value": 1, "ts": [1]}, "'ts' is a list"),
    ("wrong_type", b'"pm25"', "payload is a JSON str"),
    ("wrong_type", [{"n": "pm25", "vs": "high"}], "has a 'vs' value"),
    ("missing_field", {"value": 1}, "no 'metric'"),
    ("missing_field", [], "empty SenML pack"),
    ("not_finite", b'{"metric": "pm25", "value": NaN}', "'value' is nan"),
    ("not_finite", b'{"metric": "pm25", "value": Infinity}', "'value' is inf"),
    ("not_finite", b'{"metric": "pm25", "value": 1e999}', "'value' is inf"),
    ("out_of_range", {"metric": "pm25", "value": -3}, "pm25 = -3 ug/m3 outside [0, 1000]"),
    ("out_of_range", {"metric": "humidity", "value": 140}, "outside [0, 100]"),
    ("unknown_sensor", {"metric": "pm25", "value": 1, "sensor_id": "aq-hanoi"}, "no sensor 'aq-hanoi'"),
    ("unknown_metric", {"metric": "radiation", "value": 1}, "has no metric 'radiation'"),
    ("unknown_unit", {"metric": "pm25", "value": 1, "unit": "ppm"}, "cannot convert 'ppm' to 'ug/m3'"),
    ("invalid_timestamp", {"metric": "pm25", "value": 1, "ts": "yesterday"}, "not an ISO-8601 time"),
    ("future_timestamp", {"metric": "pm25", "value": 1, "ts": 4102444800}, "ahead of the arrival time"),
    ("invalid_timestamp", {"metric": "pm25", "value": 1, "ts": ARRIVAL * 1000}, "not a usable epoch time"),
    ("future_timestamp", {"metric": "pm25", "value": 1, "ts": "2030-01-01T00:00:00Z"}, "ahead of"),
    ("too_large", b'{"metric": "pm25", "value": 1, "pad": "' + b"x" * MAX_PAYLOAD_BYTES + b'"}', "bytes (limit"),
]


@pytest.mark.parametrize(("reason", "payload", "detail"), BAD_PAYLOADS)
def test_a_bad_payload_is_refused_with_its_reason(reason, payload, detail):
    with pytest.raises(PayloadError, match=re.escape(detail)) as raised:
        parse(payload)
    assert raised.value.reason == reason
    assert reason in REASONS


def test_one_bad_record_refuses_the_whole_senml_pack():
    with pytest.raises(PayloadError, match="out_of_range"):
        parse([{"bn": "aq-hoalu/", "n": "pm25", "v": 10}, {"n": "pm10", "v": -1}])


def test_no_sensor_anywhere_is_an_unknown_sensor():
    with pytest.raises(PayloadError, match="no sensor id in the payload or the topic"):
        parse({"metric": "pm25", "value": 1}, topic_sensor=None)


@given(st.binary(max_size=2048))
def test_arbitrary_bytes_raise_only_payload_error(payload):
    try:
        readings = parse(payload)
    except PayloadError as error:
        assert error.reason in REASONS
    else:
        assert all(math.isfinite(r.value) for r in readings)


JSONISH = (st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=10)
           | st.sampled_from(["pm25", "aq-hoalu", "aq-hoalu/", "2026-11-25T03:00:00Z", "cm", "K"])
           | st.lists(st.integers(), max_size=2))
OBJECT_KEYS = ["metric", "value", "ts", "unit", "sensor_id"]
SENML_KEYS = ["bn", "bt", "bu", "bv", "n", "v", "u", "t", "vs"]


@given(st.dictionaries(st.sampled_from(OBJECT_KEYS), JSONISH)
       | st.lists(st.dictionaries(st.sampled_from(SENML_KEYS), JSONISH), max_size=3))
def test_arbitrary_json_raises_only_payload_error(document):
    try:
        parse(json.dumps(document).encode())
    except PayloadError as error:
        assert error.reason in REASONS


METRICS = [(sensor.id, metric, spec) for sensor in SENSORS.values() for metric, spec in sensor.metrics.items()]


@given(st.sampled_from(METRICS), st.data(), st.integers(0, 30 * 86400), st.booleans())
def test_a_generated_reading_survives_encode_and_parse(choice, data, age, as_senml):
    sensor_id, metric, spec = choice
    value = data.draw(st.floats(spec.min, spec.max, allow_nan=False))
    at = datetime.fromtimestamp(round(ARRIVAL - age, 3), UTC)
    if as_senml:
        payload = [{"bn": f"{sensor_id}/", "n": metric, "v": value, "bt": at.timestamp(), "u": spec.unit}]
    else:
        payload = {"metric": metric, "value": value, "ts": at.isoformat(), "unit": spec.unit}
    assert parse(payload, topic_sensor=sensor_id) == [Reading(sensor_id, metric, at, value)]
