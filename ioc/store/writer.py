"""Writing to the store. Every write is idempotent: storing the same record twice leaves one row."""

from collections.abc import Iterable, Mapping
from datetime import datetime

from sqlalchemy import Connection, case, delete, insert, update

from ioc.records import Observation, Reading, RejectedInput
from ioc.store import schema, sqlite_readings
from ioc.store.upsert import insert_for
from ioc.timeutil import local_day, utcnow

REJECTED_PAYLOAD_MAX_CHARS = 4096
"""Raw payloads of rejected input are kept up to this length: enough to see what was wrong."""


def upsert_rows(connection: Connection, table, rows: Iterable[Mapping]) -> int:
    """Insert rows, replacing the non-key columns of rows whose primary key already exists."""
    rows = list(rows)
    if not rows:
        return 0
    keys = [column.name for column in table.primary_key.columns]
    statement = insert_for(connection, table)
    updates = {name: statement.excluded[name] for name in rows[0] if name not in keys}
    connection.execute(statement.on_conflict_do_update(index_elements=keys, set_=updates), rows)
    return len(rows)


def record_observations(connection: Connection, observations: Iterable[Observation]) -> int:
    """Upsert indicator values: a corrected value for the same period and source replaces the old one."""
    now = utcnow()
    rows = {
        (o.indicator_code, o.unit_code, o.ts, o.source): {
            "ts": o.ts,
            "indicator_code": o.indicator_code,
            "unit_code": o.unit_code,
            "value": o.value,
            "source": o.source,
            "recorded_at": now,
        }
        for o in observations
    }
    if not rows:
        return 0
    statement = insert_for(connection, schema.observations)
    connection.execute(
        statement.on_conflict_do_update(
            index_elements=["indicator_code", "unit_code", "ts", "source"],
            set_={"value": statement.excluded.value, "recorded_at": statement.excluded.recorded_at},
        ),
        list(rows.values()),
    )
    return len(rows)


def store_readings(connection: Connection, readings: Iterable[Reading]) -> int:
    """Store new sensor readings and fold them into the hourly and daily rollups.

    A reading already stored (same sensor, metric and time) is skipped, so a redelivered message changes
    nothing, not even the rollups. Returns how many readings were new.
    """
    unique = {(r.sensor_id, r.metric, r.ts): r for r in readings}
    if not unique:
        return 0
    now = utcnow()
    if connection.dialect.name == "sqlite":
        return sqlite_readings.store_new_readings(connection, unique, now)
    statement = insert_for(connection, schema.readings).on_conflict_do_nothing()
    statement = statement.returning(schema.readings.c.sensor_id, schema.readings.c.metric,
                                    schema.readings.c.ts, schema.readings.c.value)
    inserted = connection.execute(
        statement,
        [{"sensor_id": r.sensor_id, "metric": r.metric, "ts": r.ts, "value": r.value, "received_at": now}
         for r in unique.values()],
    ).all()
    hourly: dict[tuple, list[float]] = {}
    for sensor_id, metric, ts, value in inserted:
        hourly.setdefault((sensor_id, metric, ts.replace(minute=0, second=0, microsecond=0)), []).append(value)
    hourly_rows = [
        {"sensor_id": sensor_id, "metric": metric, "hour": hour, "count": len(values), "sum": sum(values),
         "min": min(values), "max": max(values)}
        for (sensor_id, metric, hour), values in hourly.items()
    ]
    _fold_into_rollup(connection, schema.rollups_hourly, "hour", hourly_rows)
    _fold_into_rollup(connection, schema.rollups_daily, "day", _days_of_hours(hourly_rows))
    _keep_latest(connection, inserted)
    return len(inserted)


def _keep_latest(connection: Connection, inserted) -> None:
    """Move ``latest_readings`` forward to the newest of the new readings; a late reading leaves it alone."""
    newest: dict[tuple, tuple] = {}
    for sensor_id, metric, ts, value in inserted:
        if (sensor_id, metric) not in newest or ts > newest[sensor_id, metric][0]:
            newest[sensor_id, metric] = (ts, value)
    if not newest:
        return
    table = schema.latest_readings
    statement = insert_for(connection, table)
    statement = statement.on_conflict_do_update(
        index_elements=["sensor_id", "metric"],
        set_={"ts": statement.excluded.ts, "value": statement.excluded.value},
        where=statement.excluded.ts > table.c.ts,
    )
    connection.execute(statement, [{"sensor_id": sensor_id, "metric": metric, "ts": ts, "value": value}
                                   for (sensor_id, metric), (ts, value) in newest.items()])


def _days_of_hours(hourly_rows: list[dict]) -> list[dict]:
    """Daily rollup rows from hourly ones: Vietnam's offset is whole hours, so an hour lies in one day."""
    days: dict[tuple, dict] = {}
    for row in hourly_rows:
        key = (row["sensor_id"], row["metric"], local_day(row["hour"]))
        day = days.get(key)
        if day is None:
            days[key] = {**row, "day": key[2]}
            del days[key]["hour"]
        else:
            day["count"] += row["count"]
            day["sum"] += row["sum"]
            day["min"] = min(day["min"], row["min"])
            day["max"] = max(day["max"], row["max"])
    return list(days.values())


def _fold_into_rollup(connection: Connection, table, bucket: str, rows: list[dict]) -> None:
    if not rows:
        return
    statement = insert_for(connection, table)
    new = statement.excluded
    statement = statement.on_conflict_do_update(
        index_elements=["sensor_id", "metric", bucket],
        set_={
            "count": table.c.count + new["count"],
            "sum": table.c.sum + new["sum"],
            "min": case((new["min"] < table.c.min, new["min"]), else_=table.c.min),
            "max": case((new["max"] > table.c.max, new["max"]), else_=table.c.max),
        },
    )
    connection.execute(statement, rows)


def prune_readings(connection: Connection, before: datetime) -> int:
    """Delete raw readings timed before ``before``; the rollups keep their hourly and daily aggregates."""
    return connection.execute(delete(schema.readings).where(schema.readings.c.ts < before)).rowcount


def reject_input(connection: Connection, rejected: RejectedInput, at: datetime | None = None) -> None:
    """Keep input that could not be used, with its reason, for inspection."""
    payload = rejected.payload
    if isinstance(payload, bytes):
        payload = payload[: REJECTED_PAYLOAD_MAX_CHARS * 4].decode("utf-8", errors="backslashreplace")
    connection.execute(
        insert(schema.rejected_inputs).values(
            ts=at or utcnow(),
            source=rejected.source,
            reason=rejected.reason,
            detail=rejected.detail,
            payload=payload[:REJECTED_PAYLOAD_MAX_CHARS],
        )
    )


def start_run(connection: Connection, collector: str, at: datetime) -> int:
    """Record that a collector run began; returns the run's id for ``finish_run``."""
    result = connection.execute(
        insert(schema.collector_runs).values(collector=collector, started_at=at, status="running", rows=0)
    )
    return result.inserted_primary_key[0]


def finish_run(connection: Connection, run_id: int, at: datetime, rows: int, error: str | None = None) -> None:
    connection.execute(
        update(schema.collector_runs)
        .where(schema.collector_runs.c.id == run_id)
        .values(finished_at=at, rows=rows, status="failed" if error else "ok", error=error)
    )
