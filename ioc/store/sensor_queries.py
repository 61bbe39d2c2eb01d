"""Named reads of the sensor pages and the wall: the latest value of every sensor metric, and the newest
reading time. History comes from the rollups (``queries.hourly_rollups`` and ``queries.daily_rollups``).

Times are UTC.
"""

from datetime import datetime

from sqlalchemy import Connection, func, select

from ioc.store import schema


def latest_values(connection: Connection, sensor_id: str | None = None) -> dict[str, dict[str, tuple[datetime, float]]]:
    """Sensor id -> metric -> (time, value) of its newest reading, read from ``latest_readings``."""
    latest = schema.latest_readings
    query = select(latest.c.sensor_id, latest.c.metric, latest.c.ts, latest.c.value)
    if sensor_id is not None:
        query = query.where(latest.c.sensor_id == sensor_id)
    values: dict[str, dict[str, tuple[datetime, float]]] = {}
    for sensor, metric, ts, value in connection.execute(query):
        values.setdefault(sensor, {})[metric] = (ts, value)
    return values


def newest_reading_time(connection: Connection) -> datetime | None:
    """When the newest reading of any sensor was taken (None before the first)."""
    return connection.execute(select(func.max(schema.latest_readings.c.ts))).scalar_one()
