"""The SQLite fast path of ``writer.store_readings``, for tens of thousands of readings a second.

Two costs dominate the general path on SQLite: SQLAlchemy's per-value type processing, and stepping a
statement row by row (``executemany``, or ``RETURNING``), where the sqlite3 module releases and re-takes the
GIL at every row and so waits on the MQTT network thread each time. Here each statement is one multi-row
statement, executed in one step: first the keys of the batch that are already stored are looked up (none,
usually), then the others are inserted, then the hourly and daily rollups and the latest values are upserted.

Times are written exactly as ``schema.UTCDateTime`` writes them on SQLite (``YYYY-MM-DD HH:MM:SS.ffffff``,
UTC) and days as ISO dates, so both paths read and find each other's rows. Only placeholders are formatted
into the SQL; every value is a bound parameter.
"""

from datetime import UTC, datetime
from itertools import chain

from sqlalchemy import Connection

from ioc.records import Reading
from ioc.timeutil import local_day

MAX_PARAMETERS = 32_000
"""SQLite binds at most 32,766 parameters in one statement."""

_EXISTING = (  # a join, not a row-value IN: SQLite scans the whole table for the IN, but probes the key here
    "SELECT r.sensor_id, r.metric, r.ts FROM (VALUES {}) AS v JOIN readings AS r "
    "ON r.sensor_id = v.column1 AND r.metric = v.column2 AND r.ts = v.column3"
)
_INSERT = "INSERT INTO readings (sensor_id, metric, ts, value, received_at) VALUES {}"
_FOLD = (
    'INSERT INTO {table} (sensor_id, metric, {bucket}, "count", "sum", "min", "max") VALUES {values} '
    "ON CONFLICT (sensor_id, metric, {bucket}) DO UPDATE SET "
    '"count" = "count" + excluded."count", "sum" = "sum" + excluded."sum", '
    '"min" = min("min", excluded."min"), "max" = max("max", excluded."max")'
)
_LATEST = (
    "INSERT INTO latest_readings (sensor_id, metric, ts, value) VALUES {} "
    "ON CONFLICT (sensor_id, metric) DO UPDATE SET ts = excluded.ts, value = excluded.value "
    "WHERE excluded.ts > latest_readings.ts"
)


def sqlite_time(moment: datetime) -> str:
    if moment.tzinfo is not UTC:
        if moment.tzinfo is None:
            raise ValueError(f"naive datetime {moment!r}: the store only takes aware datetimes")
        moment = moment.astimezone(UTC)
    return moment.isoformat(" ", "microseconds")[:26]  # without the "+00:00"


def _chunks(rows: list[tuple], width: int):
    size = MAX_PARAMETERS // width
    for start in range(0, len(rows), size):
        chunk = rows[start:start + size]
        yield ",".join(["(" + ",".join("?" * width) + ")"] * len(chunk)), tuple(chain.from_iterable(chunk))


def store_new_readings(connection: Connection, readings: dict[tuple, Reading], received_at: datetime) -> int:
    """Insert the readings not stored yet and fold them into the rollups; return how many were new.

    ``readings`` maps (sensor_id, metric, ts) to the reading, so keys are unique."""
    keyed = {(r.sensor_id, r.metric, sqlite_time(r.ts)): r.value for r in readings.values()}
    for values, parameters in _chunks(list(keyed), 3):
        for row in connection.exec_driver_sql(_EXISTING.format(values), parameters):
            del keyed[tuple(row)]
    if not keyed:
        return 0
    stamp = sqlite_time(received_at)
    for values, parameters in _chunks([(*key, value, stamp) for key, value in keyed.items()], 5):
        connection.exec_driver_sql(_INSERT.format(values), parameters)
    hourly: dict[tuple, list[float]] = {}
    for (sensor_id, metric, ts), value in keyed.items():
        key = (sensor_id, metric, ts[:13] + ":00:00.000000")
        aggregate = hourly.get(key)
        if aggregate is None:
            hourly[key] = [1, value, value, value]
        else:
            aggregate[0] += 1
            aggregate[1] += value
            if value < aggregate[2]:
                aggregate[2] = value
            if value > aggregate[3]:
                aggregate[3] = value
    daily: dict[tuple, list[float]] = {}
    for (sensor_id, metric, hour), (count, total, low, high) in hourly.items():
        key = (sensor_id, metric, local_day(datetime.fromisoformat(hour).replace(tzinfo=UTC)).isoformat())
        aggregate = daily.get(key)
        if aggregate is None:
            daily[key] = [count, total, low, high]
        else:
            daily[key] = [aggregate[0] + count, aggregate[1] + total, min(aggregate[2], low), max(aggregate[3], high)]
    for table, bucket, groups in (("rollups_hourly", "hour", hourly), ("rollups_daily", "day", daily)):
        for values, parameters in _chunks([(*key, *aggregate) for key, aggregate in groups.items()], 7):
            connection.exec_driver_sql(_FOLD.format(table=table, bucket=bucket, values=values), parameters)
    newest: dict[tuple, tuple] = {}  # times in this form sort as the moments they are
    for (sensor_id, metric, ts), value in keyed.items():
        if (sensor_id, metric) not in newest or ts > newest[sensor_id, metric][0]:
            newest[sensor_id, metric] = (ts, value)
    for values, parameters in _chunks([(*key, *latest) for key, latest in newest.items()], 4):
        connection.exec_driver_sql(_LATEST.format(values), parameters)
    return len(keyed)
