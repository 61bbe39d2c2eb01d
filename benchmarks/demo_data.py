"""One year of demo data in a store, for the dashboard and explorer benchmarks (and to look at the wall).

    .venv/bin/python benchmarks/demo_data.py DATABASE.db [--days 365]

``fill_year(engine, settings, now)`` stores, for the ``days`` Vietnam days up to ``now``: every registered
sensor's hourly and daily rollups and its latest values (two sensors fall silent three hours before ``now``),
every unit's portal statistics (``benchmarks/indicators.fill``, the portal simulator's history), about 40
citizen reports a day, a few active alerts and collector runs. Raw readings are not stored: pages read the
rollups and ``latest_readings``. Values follow a daily cycle with seeded noise, so every run is the same.
"""

from __future__ import annotations

import argparse
import math
import random
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from benchmarks.indicators import fill as fill_portal  # noqa: E402
from collectors.feedback_simulator import FeedbackSimulator  # noqa: E402
from ioc.config import load_settings  # noqa: E402
from ioc.feedback.places import DistrictLocator  # noqa: E402
from ioc.reference import load_reference_data  # noqa: E402
from ioc.store import alert_queries, queries, schema  # noqa: E402
from ioc.store.engine import open_engine  # noqa: E402
from ioc.store.migrate import upgrade  # noqa: E402
from ioc.store.writer import finish_run, start_run, upsert_rows  # noqa: E402
from ioc.timeutil import local_day, local_day_start, utcnow  # noqa: E402

SEED = 2026
SILENT = ("aq-dongxoai-tienthanh", "rain-locninh")
"""Sensors whose latest reading is three hours old, so the wall shows some as silent."""
BASE = {"pm25": 28.0, "pm10": 55.0, "co": 2500.0, "no2": 40.0, "so2": 20.0, "o3": 60.0, "temperature": 29.0,
        "humidity": 75.0, "rainfall": 1.5, "vehicles": 600.0, "speed": 35.0}
"""Typical hourly means of each metric in its canonical unit."""
CHUNK = 50_000


def _value(metric: str, hour: datetime, spec: dict, scale: float, rng: random.Random) -> float:
    cycle = math.sin((hour.hour + 7 - 8) / 24 * 2 * math.pi)  # peaks in the Vietnam afternoon
    if metric == "water_level":
        levels = spec.get("alarm_levels") or (spec["min"] + 1, spec["max"], spec["max"])
        low, high = levels[0], levels[2]
        # A station running high stays above alarm level III all day, the daily cycle's trough included.
        return round(low - 1.0 + 0.3 * cycle + rng.random() * 0.2 + (high - low + 1.35) * min(1.0, scale - 1), 2)
    value = BASE.get(metric, (spec["min"] + spec["max"]) / 4) * scale * (1 + 0.35 * cycle) * (0.8 + 0.4 * rng.random())
    return round(min(spec["max"], max(spec["min"], value)), 2)


def fill_sensors(engine, now: datetime, days: int) -> int:
    """Hourly and daily rollups of every sensor metric for ``days`` days up to ``now``, and latest values."""
    rng = random.Random(SEED)
    end = now.replace(minute=0, second=0, microsecond=0)
    start = end - timedelta(days=days)
    with engine.connect() as connection:
        sensors = queries.sensors(connection)
    hourly_count = 0
    for number, sensor in enumerate(sensors):
        scale = 1.0 + (2.5 if number % 9 == 4 else 0.9 if number % 5 == 2 else 0.0)  # a few stations run high
        stop = end - timedelta(hours=3) if sensor["id"] in SILENT else end
        hourly, daily, latest = [], {}, []
        for metric, spec in sensor["metrics"].items():
            hour = start
            while hour <= stop:
                value = _value(metric, hour, spec, scale, rng)
                hourly.append({"sensor_id": sensor["id"], "metric": metric, "hour": hour, "count": 4,
                               "sum": value * 4, "min": value * 0.9, "max": value * 1.1})
                day = daily.setdefault((metric, local_day(hour)), [0, 0.0, math.inf, -math.inf])
                day[0] += 4
                day[1] += value * 4
                day[2] = min(day[2], value * 0.9)
                day[3] = max(day[3], value * 1.1)
                hour += timedelta(hours=1)
            latest.append({"sensor_id": sensor["id"], "metric": metric, "value": hourly[-1]["sum"] / 4,
                           "ts": now - timedelta(minutes=2) - (end - stop)})
        with engine.begin() as connection:
            for first in range(0, len(hourly), CHUNK):
                upsert_rows(connection, schema.rollups_hourly, hourly[first:first + CHUNK])
            upsert_rows(connection, schema.rollups_daily, [
                {"sensor_id": sensor["id"], "metric": metric, "day": day, "count": c, "sum": s, "min": lo, "max": hi}
                for (metric, day), (c, s, lo, hi) in daily.items()])
            upsert_rows(connection, schema.latest_readings, latest)
        hourly_count += len(hourly)
    return hourly_count


def fill_feedback(engine, settings, now: datetime, days: int) -> int:
    """Citizen reports of the last ``days`` days, handled through the workflow as the demo's simulator
    writes its history (most answered and closed, recent ones still open), and a dozen received today."""
    simulator = FeedbackSimulator(settings, engine, base_url="", history_days=days, seed=SEED + 1)
    written = simulator.write_history(now)
    midnight = local_day_start(local_day(now))
    locator = DistrictLocator.of(settings)
    with engine.begin() as connection:  # and some received today, still open
        for n in range(12):
            simulator.write_report(connection, locator, f"today-{n}", midnight + (now - midnight) * (n + 1) / 13)
    return written + 12


def fill_alerts_and_runs(engine, now: datetime) -> None:
    """Five active alerts of every severity and recent runs of the collectors, one of them failing."""
    alerts = [
        ("flood-level-2", "wl-be-phuoclong", "major", "Trạm Phước Long: mực nước vượt báo động II",
         "Phuoc Long gauge: water above alarm level II", 50),
        ("aqi-bad", "aq-chonthanh-center", "minor", "Chơn Thành: VN_AQI 156, mức Xấu", "Chon Thanh: VN_AQI 156, Bad",
         130),
        ("sensor-silent", SILENT[0], "warning", "Tiến Thành: không nhận được số liệu", "Tien Thanh: no data", 170),
        ("feedback-overdue", "70", "major", "Bình Phước: 14 phản ánh quá hạn chưa trả lời",
         "Binh Phuoc: 14 citizen reports overdue", 300),
        ("flood-level-3", "wl-saigon-locninh", "critical", "Trạm Lộc Ninh: mực nước vượt báo động III",
         "Loc Ninh gauge: water above alarm level III", 12),
    ]
    with engine.begin() as connection:
        for rule_id, target, severity, message, message_en, minutes_ago in alerts:
            raised = now - timedelta(minutes=minutes_ago)
            alert_id = alert_queries.add_alert(
                connection, rule_id=rule_id, target=target, severity=severity, message=message, message_en=message_en,
                active=True, acknowledged=False, raised_at=raised, last_seen_at=now, count=1, source="sensor")
            alert_queries.add_event(connection, alert_id, raised, "raise", "system")
        for collector, error in (("portal", None), ("mqtt_ingest", None), ("portal", "ConnectError: timed out")):
            run = start_run(connection, collector, now - timedelta(minutes=30))
            finish_run(connection, run, now - timedelta(minutes=29), 0 if error else 1200, error)


def fill_year(engine, settings, now: datetime | None = None, days: int = 365) -> dict[str, int]:
    """Fill a migrated store that holds the reference data; returns rows stored per kind."""
    now = now or utcnow()
    last = local_day(now)
    stats, usage = fill_portal(engine, settings, last - timedelta(days=days - 1), last)
    hourly = fill_sensors(engine, now, days)
    feedback = fill_feedback(engine, settings, now, days)
    fill_alerts_and_runs(engine, now)
    return {"dossier_stats": stats, "procedure_usage": usage, "rollups_hourly": hourly, "feedback": feedback}


def fresh_store(path: Path, settings):
    """A migrated SQLite store at ``path`` with the reference data loaded."""
    engine = open_engine(f"sqlite:///{path}")
    upgrade(engine)
    load_reference_data(engine, settings)
    return engine


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("database", type=Path)
    parser.add_argument("--days", type=int, default=365)
    args = parser.parse_args()
    settings = load_settings(REPO / "config.yaml")
    engine = fresh_store(args.database, settings)
    start = time.perf_counter()
    rows = fill_year(engine, settings, datetime.now(UTC), args.days)
    print(f"filled in {time.perf_counter() - start:.0f} s: {rows}")


if __name__ == "__main__":
    main()
