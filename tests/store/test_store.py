"""The store behaves the same on SQLite and PostgreSQL (every test here runs on both)."""

import threading
from datetime import UTC, date, datetime, timedelta

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import func, select

from ioc.records import Observation, Reading, RejectedInput
from ioc.store import queries, schema
from ioc.store.engine import open_engine
from ioc.store.migrate import current_revisions, head_revisions
from ioc.store.writer import (
    REJECTED_PAYLOAD_MAX_CHARS,
    finish_run,
    record_observations,
    reject_input,
    start_run,
    store_readings,
    upsert_rows,
)

SENSOR = {"id": "aq-dongxoai-1", "kind": "air_quality", "name": "Trạm Đồng Xoài", "unit_code": "689",
          "lon": 106.9, "lat": 11.53, "metrics": {"pm25": {"unit": "µg/m³"}}}


def t(hour: int, minute: int = 0, day: int = 24) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=UTC)


def count(engine, table) -> int:
    with engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(table)).scalar_one()


@pytest.fixture
def sensor(engine):
    with engine.begin() as connection:
        upsert_rows(connection, schema.sensors, [SENSOR])
    return SENSOR["id"]


def test_migrations_reach_head_and_match_the_tables(engine):
    assert current_revisions(engine) == head_revisions()
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), schema.metadata)
    assert differences == []


def test_reference_data_holds_every_unit_and_indicator(engine):
    with engine.connect() as connection:
        units = queries.units(connection)
        catalogue = queries.indicator_catalogue(connection)
    levels = [unit["level"] for unit in units]
    assert (levels.count("province"), levels.count("district"), levels.count("commune")) == (1, 11, 111)
    dong_xoai = next(unit for unit in units if unit["code"] == "689")
    assert (dong_xoai["name"], dong_xoai["parent_code"], dong_xoai["area_km2"]) == ("Đồng Xoài", "70", 166.79)
    codes = {row["code"] for row in catalogue}
    assert {"online_dossier_rate", "dossier_on_time_rate", "vn_aqi"} <= codes


def test_the_same_reading_stored_twice_is_one_row(engine, sensor):
    reading = Reading(sensor, "pm25", t(3, 15), 42.0)
    with engine.begin() as connection:
        assert store_readings(connection, [reading, reading]) == 1
    with engine.begin() as connection:
        assert store_readings(connection, [reading]) == 0
    assert count(engine, schema.readings) == 1
    with engine.connect() as connection:
        hourly = queries.hourly_rollups(connection, sensor, "pm25", t(0), t(23))
    assert [(row["count"], row["sum"]) for row in hourly] == [(1, 42.0)]


def test_rollups_add_up_readings_including_late_ones(engine, sensor):
    with engine.begin() as connection:
        store_readings(connection, [Reading(sensor, "pm25", t(3, 5), 10.0), Reading(sensor, "pm25", t(3, 40), 30.0)])
    with engine.begin() as connection:  # a late reading for the same hour, and one in the next hour
        store_readings(connection, [Reading(sensor, "pm25", t(3, 20), 5.0), Reading(sensor, "pm25", t(4, 0), 7.0)])
    with engine.connect() as connection:
        hourly = queries.hourly_rollups(connection, sensor, "pm25", t(0), t(23))
    assert [(row["hour"], row["count"], row["sum"], row["min"], row["max"]) for row in hourly] == [
        (t(3), 3, 45.0, 5.0, 30.0),
        (t(4), 1, 7.0, 7.0, 7.0),
    ]
    assert hourly[0]["mean"] == pytest.approx(15.0)


def test_daily_rollups_follow_the_vietnam_calendar_day(engine, sensor):
    # 16:59 UTC is 23:59 on the 24th in Vietnam; 17:00 UTC is already 00:00 on the 25th.
    with engine.begin() as connection:
        store_readings(connection, [Reading(sensor, "pm25", t(16, 59), 20.0), Reading(sensor, "pm25", t(17, 0), 60.0),
                                    Reading(sensor, "pm25", t(23, 0), 40.0)])
    with engine.connect() as connection:
        daily = queries.daily_rollups(connection, sensor, "pm25", date(2026, 11, 24), date(2026, 11, 25))
    assert [(row["day"], row["count"], row["sum"], row["min"], row["max"]) for row in daily] == [
        (date(2026, 11, 24), 1, 20.0, 20.0, 20.0),
        (date(2026, 11, 25), 2, 100.0, 40.0, 60.0),
    ]


def test_times_come_back_as_aware_utc(engine, sensor):
    vietnam_morning = datetime(2026, 11, 25, 8, 0, tzinfo=UTC) + timedelta(hours=0)
    with engine.begin() as connection:
        store_readings(connection, [Reading(sensor, "pm25", vietnam_morning, 1.0)])
        stored = connection.execute(select(schema.readings.c.ts)).scalar_one()
    assert stored == vietnam_morning
    assert stored.utcoffset() == timedelta(0)


def test_a_naive_datetime_is_refused(engine, sensor):
    with pytest.raises(Exception, match="naive datetime"), engine.begin() as connection:
        store_readings(connection, [Reading(sensor, "pm25", datetime(2026, 11, 25, 8, 0), 1.0)])  # noqa: DTZ001


def test_a_corrected_observation_replaces_the_old_value(engine):
    period = t(0, day=1)
    with engine.begin() as connection:
        record_observations(connection, [Observation(period, "online_dossier_rate", "689", 41.0, "portal")])
    with engine.begin() as connection:
        record_observations(connection, [Observation(period, "online_dossier_rate", "689", 43.5, "portal")])
    with engine.connect() as connection:
        series = queries.observation_series(
            connection, "online_dossier_rate", "689", period, period + timedelta(days=1)
        )
    assert series == [(period, 43.5)]


def test_rejected_input_is_kept_truncated_and_counted_per_reason(engine):
    huge = "x" * (REJECTED_PAYLOAD_MAX_CHARS * 3)
    with engine.begin() as connection:
        reject_input(connection, RejectedInput("mqtt", "invalid_json", "Expecting value: line 1", huge))
        reject_input(connection, RejectedInput("mqtt", "invalid_json", "Expecting value: line 1", b"\xff{"))
        reject_input(connection, RejectedInput("mqtt", "unknown_sensor", "no sensor 'zz'", "{}"))
    with engine.connect() as connection:
        counts = queries.rejected_counts(connection)
        kept = queries.rejected_inputs(connection, "mqtt")
    assert counts == {("mqtt", "invalid_json"): 2, ("mqtt", "unknown_sensor"): 1}
    assert len(kept[2]["payload"]) == REJECTED_PAYLOAD_MAX_CHARS
    assert kept[1]["payload"] == "\\xff{"


def test_collector_health_shows_last_success_and_last_error(engine):
    with engine.begin() as connection:
        first = start_run(connection, "portal", t(1))
        finish_run(connection, first, t(1, 1), rows=120)
        second = start_run(connection, "portal", t(2))
        finish_run(connection, second, t(2, 1), rows=0, error="HTTPStatusError: 500")
    with engine.connect() as connection:
        (health,) = queries.collector_health(connection)
    assert health["collector"] == "portal"
    assert health["status"] == "failed"
    assert health["last_success"] == t(1, 1)
    assert health["last_failure"] == t(2, 1)
    assert health["last_error"] == "HTTPStatusError: 500"


def test_a_transaction_that_reads_in_a_savepoint_then_writes_waits_for_another_writer_instead_of_failing(engine):
    """Two processes writing one store: the other commits between this transaction's read and its write."""
    other = open_engine(engine.url.render_as_string(hide_password=False))
    others_write = threading.Thread(target=lambda: _one_run(other, "other"))
    with engine.begin() as connection, connection.begin_nested():
        connection.execute(select(func.count()).select_from(schema.collector_runs)).scalar_one()
        others_write.start()
        others_write.join(0.5)
        start_run(connection, "this", t(8))
    others_write.join(10)
    other.dispose()
    with engine.connect() as connection:
        collectors = connection.execute(select(schema.collector_runs.c.collector)).scalars().all()
    assert sorted(collectors) == ["other", "this"]


def _one_run(engine, collector: str) -> None:
    with engine.begin() as connection:
        start_run(connection, collector, t(8))
