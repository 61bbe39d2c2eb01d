"""The sensor registry, and what the store keeps of readings: rollups, retention, latest values, indicators."""

from datetime import UTC, datetime, timedelta

import pytest

from ioc.indicators.aqi import hourly_aqi
from ioc.indicators.gauges import gauge_alarms
from ioc.records import Reading
from ioc.sensors import RegistryError, load_registry
from ioc.store import queries
from ioc.store.writer import prune_readings, store_readings
from tests.conftest import REPO
from tests.sensors.helpers import count_rows

NOW = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)


def test_the_demo_registry_covers_the_province():
    sensors = load_registry(REPO / "data" / "sensors.yaml")
    kinds = [sensor.kind for sensor in sensors.values()]
    assert len(sensors) == 60
    assert {kind: kinds.count(kind) for kind in set(kinds)} == {
        "air_quality": 18, "water_level": 10, "rain": 16, "traffic": 16}
    for sensor in sensors.values():
        assert 106.3 < sensor.lon < 107.6 and 11.2 < sensor.lat < 12.3, sensor.id
        assert sensor.unit_code in {str(code) for code in range(688, 699)}
    thac_mo = sensors["wl-thacmo-dam"].metrics["water_level"]
    assert (thac_mo.unit, thac_mo.alarm_levels, thac_mo.min) == ("m", (216.5, 217.5, 218.0), 190.0)
    assert sensors["aq-hoalu"].metrics["pm25"].unit == "ug/m3"


@pytest.mark.parametrize(("text", "message"), [
    ("kinds: {}\nsensors: [{id: a, kind: rain, name: A}]", "sensor a: unknown kind 'rain'"),
    ("kinds: {rain: {metrics: {rainfall: {unit: mm, min: 0, max: 300}}}}\n"
     "sensors: [{id: a, kind: rain, name: A}, {id: a, kind: rain, name: B}]", "sensor a: declared twice"),
    ("kinds: {rain: {metrics: {rainfall: {unit: mm, min: 5, max: 1}}}}\nsensors: []", "min 5.0 is not below max 1.0"),
    ("kinds: {g: {metrics: {level: {unit: m, min: 0, max: 9}}}}\n"
     "sensors: [{id: a, kind: g, name: A, metrics: {level: {alarm_levels: [3, 2, 1]}}}]",
     "alarm levels I, II, III must rise"),
    ("kinds: {g: {metrics: {level: {unit: m, min: 0, max: 9}}}}\n"
     "sensors: [{id: a, kind: g, name: A, metrics: {flow: {min: 1}}}]", "metric 'flow' is not one of kind 'g'"),
])
def test_a_wrong_registry_is_refused_with_the_entry_named(tmp_path, text, message):
    path = tmp_path / "sensors.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RegistryError, match=message):
        load_registry(path)


def test_the_registry_is_loaded_into_the_store(engine):
    with engine.connect() as connection:
        gauges = queries.sensors(connection, kind="water_level")
    assert len(gauges) == 10
    thac_mo = next(gauge for gauge in gauges if gauge["id"] == "wl-thacmo-dam")
    assert thac_mo["metrics"]["water_level"] == {"unit": "m", "min": 190.0, "max": 222.0,
                                                 "alarm_levels": [216.5, 217.5, 218.0]}


def test_old_raw_readings_are_pruned_and_their_rollups_stay(engine):
    old, recent = NOW - timedelta(days=91), NOW - timedelta(days=1)
    with engine.begin() as connection:
        store_readings(connection, [Reading("rain-dongxoai", "rainfall", old, 4.0),
                                    Reading("rain-dongxoai", "rainfall", recent, 2.0)])
    with engine.begin() as connection:
        assert prune_readings(connection, NOW - timedelta(days=90)) == 1
    assert count_rows(engine) == 1
    with engine.connect() as connection:
        daily = queries.daily_rollups(connection, "rain-dongxoai", "rainfall", old.date(), NOW.date())
    assert [row["sum"] for row in daily] == [4.0, 2.0]


def test_the_current_alarm_level_of_each_gauge(engine):
    with engine.begin() as connection:
        store_readings(connection, [
            Reading("wl-be-tanthanh", "water_level", NOW - timedelta(minutes=20), 26.9),
            Reading("wl-be-tanthanh", "water_level", NOW - timedelta(minutes=5), 27.6),  # latest: level II
            Reading("wl-thacmo-dam", "water_level", NOW - timedelta(minutes=5), 210.2),  # below level I
            Reading("wl-be-phuoclong", "water_level", NOW - timedelta(days=3), 151.0),   # silent since
        ])
    with engine.connect() as connection:
        alarms = gauge_alarms(queries.sensors(connection, kind="water_level"),
                              queries.latest_readings(connection, since=NOW - timedelta(days=1)))
    by_id = {row["sensor_id"]: row for row in alarms}
    assert (by_id["wl-be-tanthanh"]["value"], by_id["wl-be-tanthanh"]["level"]) == (27.6, 2)
    assert by_id["wl-be-tanthanh"]["ts"] == NOW - timedelta(minutes=5)
    assert by_id["wl-thacmo-dam"]["level"] == 0
    assert (by_id["wl-be-phuoclong"]["value"], by_id["wl-be-phuoclong"]["level"]) == (None, None)


def test_hourly_vn_aqi_from_stored_readings(engine):
    hour = NOW.replace(minute=0)
    readings = []
    for back in range(12):  # PM2.5 hourly means 40 (two readings, 30 and 50), steady
        start = hour - timedelta(hours=back)
        readings += [Reading("aq-kcn-becamex", "pm25", start + timedelta(minutes=10), 30.0),
                     Reading("aq-kcn-becamex", "pm25", start + timedelta(minutes=40), 50.0)]
    readings.append(Reading("aq-kcn-becamex", "no2", hour + timedelta(minutes=5), 450.0))
    with engine.begin() as connection:
        store_readings(connection, readings)
    with engine.connect() as connection:
        means = queries.hourly_means(connection, "aq-kcn-becamex", ["pm25", "pm10", "no2"],
                                     hour - timedelta(hours=12), hour + timedelta(hours=1))
    aqi = hourly_aqi(means, hour)
    # PM2.5 NowCast of a steady 40 is 40 -> 50 + 2 * 15 = 80; NO2 450 -> 100 + 50/500 * 250 = 125
    assert aqi.sub_indices == {"pm25": 80, "no2": 125}
    assert (aqi.value, aqi.dominant) == (125, "no2")
