"""The dashboard's reads on both backends: latest values kept on ingest, today's feedback, the health figures."""

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import insert, select

from ioc.records import Reading
from ioc.store import feedback_queries, health_queries, schema, sensor_queries
from ioc.store.engine import open_engine
from ioc.store.migrate import upgrade
from ioc.store.writer import finish_run, start_run, store_readings, upsert_rows

SENSOR = {"id": "aq-test", "kind": "air_quality", "name": "Trạm thử", "unit_code": "689", "lon": 106.9,
          "lat": 11.53, "metrics": {"pm25": {"unit": "ug/m3"}}}


def t(hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, 24, hour, minute, tzinfo=UTC)


def test_latest_values_follow_the_newest_reading_and_ignore_late_and_repeated_ones(engine):
    with engine.begin() as connection:
        upsert_rows(connection, schema.sensors, [SENSOR])
        store_readings(connection, [Reading("aq-test", "pm25", t(1), 10.0), Reading("aq-test", "pm25", t(3), 30.0),
                                    Reading("aq-test", "pm10", t(2), 20.0)])
    with engine.begin() as connection:
        store_readings(connection, [Reading("aq-test", "pm25", t(2), 99.0)])  # late: older than the latest
        store_readings(connection, [Reading("aq-test", "pm25", t(3), 30.0)])  # the same reading again
    with engine.connect() as connection:
        assert sensor_queries.latest_values(connection) == {"aq-test": {"pm25": (t(3), 30.0), "pm10": (t(2), 20.0)}}
    with engine.begin() as connection:
        store_readings(connection, [Reading("aq-test", "pm25", t(4, 30), 41.5)])
    with engine.connect() as connection:
        assert sensor_queries.latest_values(connection, "aq-test")["aq-test"]["pm25"] == (t(4, 30), 41.5)
        assert sensor_queries.newest_reading_time(connection) == t(4, 30)


def test_upgrading_fills_latest_values_from_the_readings_already_stored(store_url, settings):
    from ioc.reference import load_reference_data

    engine = open_engine(store_url)
    upgrade(engine, "0004_alerts")
    load_reference_data(engine, settings)
    with engine.begin() as connection:
        upsert_rows(connection, schema.sensors, [SENSOR])
        connection.execute(insert(schema.readings), [
            {"sensor_id": "aq-test", "metric": "pm25", "ts": ts, "value": value, "received_at": ts}
            for ts, value in ((t(1), 5.0), (t(2), 7.0))])
    upgrade(engine)
    with engine.connect() as connection:
        rows = connection.execute(select(schema.latest_readings)).all()
    assert [tuple(row) for row in rows] == [("aq-test", "pm25", t(2), 7.0)]
    engine.dispose()


def _report(number: int, received: datetime, due: datetime | None = None, answered: datetime | None = None,
            status: str = "in_progress", closed: datetime | None = None) -> dict:
    return {"tracking_code": f"PA-{number}", "channel": "app", "channel_ref": str(number), "category": "roads",
            "title": "Ổ gà", "description": "Đường hỏng", "status": status, "received_at": received,
            "due_at": due, "answered_at": answered, "closed_at": closed}


def test_today_summary_counts_the_vietnam_day_and_what_is_overdue_now(engine):
    day = date(2026, 11, 25)  # Vietnam day: 24/11 17:00 UTC to 25/11 17:00 UTC
    now = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)  # 16:00 in Vietnam
    v = lambda d, h, m=0: datetime(2026, 11, d, h, m, tzinfo=UTC)  # noqa: E731
    rows = [
        _report(1, v(24, 17, 0), due=v(30, 0)),  # 00:00 on the 25th in Vietnam: today
        _report(2, v(24, 16, 59), due=v(25, 8), answered=v(25, 2), status="answered"),  # yesterday; answered today
        _report(3, v(25, 8), due=v(25, 8, 30)),  # today, overdue
        _report(4, v(20, 3), due=v(23, 3)),  # overdue for days
        _report(5, v(20, 3), due=v(23, 3), status="rejected"),  # rejected: not overdue
        _report(6, v(20, 3), due=v(23, 3), status="closed", closed=v(24, 1)),  # closed: not overdue
        _report(7, v(25, 17, 0), due=v(26, 0)),  # 00:00 on the 26th: tomorrow, not today
        _report(8, v(22, 3), due=v(24, 3), answered=v(24, 16, 59), status="answered"),  # answered yesterday
    ]
    with engine.begin() as connection:
        connection.execute(insert(schema.feedback), rows)
    with engine.connect() as connection:
        assert feedback_queries.today_summary(connection, day, now) == {"received": 2, "answered": 1, "overdue": 2}
        assert feedback_queries.today_summary(connection, date(2026, 11, 1), now)["received"] == 0


def test_today_summary_of_an_empty_store_is_zero(engine):
    with engine.connect() as connection:
        assert feedback_queries.today_summary(connection, date(2026, 11, 25), t(10)) == {
            "received": 0, "answered": 0, "overdue": 0}


def test_health_counts_rows_of_the_last_hour_per_collector_and_measures_the_store(engine):
    now = t(10)
    with engine.begin() as connection:
        for collector, started, rows in (("portal", now - timedelta(minutes=70), 500), ("portal", now - timedelta(
                minutes=20), 120), ("portal", now - timedelta(minutes=5), 30), ("mqtt_ingest", now - timedelta(
                minutes=1), 4000)):
            finish_run(connection, start_run(connection, collector, started), started + timedelta(seconds=5), rows)
    with engine.connect() as connection:
        assert health_queries.rows_since(connection, now - timedelta(hours=1)) == {"portal": 150, "mqtt_ingest": 4000}
        assert health_queries.store_size_bytes(connection) > 100_000
