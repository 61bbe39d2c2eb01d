"""The alarm-load report of a simulated day: a flood, a chattering gauge and a stale alert, counted by hand."""

from datetime import UTC, date, datetime

from ioc.alerts.load_report import day_report
from ioc.records import Reading
from ioc.store import alert_queries
from ioc.store.writer import store_readings
from tests.alerts.helpers import alert_settings, run, watched_since

DAY = date(2026, 11, 24)  # Vietnam day: 2026-11-23T17:00Z to 2026-11-24T17:00Z
RULES = [
    {"id": "pm25", "type": "threshold", "kind": "air_quality", "metric": "pm25", "level": 50},
    {"id": "portal-silent", "type": "missing_data", "collector": "portal", "minutes": 30},
    {"id": "flap", "type": "threshold", "sensor": "wl-be-phuoclong", "metric": "water_level", "level": 150},
]


def utc(day: int, hour: int, minute: int = 0, second: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, second, tzinfo=UTC)


def step(engine, settings, at, pm25: dict[str, float] | None = None, gauge: float | None = None):
    """Store the readings taken at ``at`` and run the engine then."""
    rows = [Reading(sensor, "pm25", at, value) for sensor, value in (pm25 or {}).items()]
    if gauge is not None:
        rows.append(Reading("wl-be-phuoclong", "water_level", at, gauge))
    with engine.begin() as connection:
        store_readings(connection, rows)
    run(engine, settings, at)


def test_a_day_with_a_flood_a_chattering_gauge_and_a_stale_alert(engine, tmp_path):
    settings = alert_settings(tmp_path / "cfg", RULES)
    with engine.connect() as connection:
        stations = [s["id"] for s in alert_queries.sensors(connection, kind="air_quality")]
    assert len(stations) == 18
    first_five = stations[:5]

    watched_since(engine, utc(22, 23, 59))
    step(engine, settings, utc(23, 0, 30))  # the day before: the portal falls silent, and stays so
    step(engine, settings, utc(24, 3), pm25={s: 80.0 for s in stations})  # 18 raised at 10:00 local: a flood
    step(engine, settings, utc(24, 3, 5), pm25={s: 20.0 for s in stations})  # all cleared 5 min later
    step(engine, settings, utc(24, 5), pm25={s: 80.0 for s in first_five})  # 12:00 local: 5 raised...
    step(engine, settings, utc(24, 5, 0, 30), pm25={s: 20.0 for s in first_five})
    step(engine, settings, utc(24, 5, 1, 10), pm25={s: 80.0 for s in first_five})  # ...5 more: 10, no flood;
    step(engine, settings, utc(24, 6), pm25={s: 20.0 for s in first_five})  # 3 transitions in 70 s: no chatter
    step(engine, settings, utc(24, 8), gauge=151.0)  # raise, clear, raise within 40 s: chattering
    step(engine, settings, utc(24, 8, 0, 20), gauge=149.0)
    step(engine, settings, utc(24, 8, 0, 40), gauge=151.0)
    step(engine, settings, utc(24, 8, 10), gauge=149.0)

    with engine.connect() as connection:
        report = day_report(connection, DAY, utc(25, 9))
        silent = [a["id"] for a in alert_queries.alert_list(connection, active_only=True)]
    assert report.raised == 18 + 10 + 2
    assert (report.per_10_minutes, report.peak_10_minutes) == (0.21, 18)
    assert (report.floods, report.alerts_in_floods) == ([utc(24, 3)], 18)
    assert report.chattering == [("flap", "wl-be-phuoclong")]
    assert len(silent) == 1
    assert report.stale == silent  # the silent portal: active since 07:30 the day before


def test_a_day_not_over_yet_ends_now_and_an_alert_younger_than_a_day_is_not_stale(sqlite_engine, tmp_path):
    settings = alert_settings(tmp_path / "cfg", RULES)
    watched_since(sqlite_engine, utc(22, 23, 59))  # the engine has watched the silent portal since then
    step(sqlite_engine, settings, utc(23, 0, 30))
    with sqlite_engine.connect() as connection:
        assert day_report(connection, DAY, utc(24, 0, 30)).stale == []  # active exactly 24 h
        assert len(day_report(connection, DAY, utc(24, 0, 31)).stale) == 1
        assert day_report(connection, date(2026, 11, 23), utc(25, 0)).raised == 1
