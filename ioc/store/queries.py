"""Named read queries for pages, indicators and the health view. No SQL elsewhere."""

from datetime import date, datetime

from sqlalchemy import Connection, func, select

from ioc.store import schema


def units(connection: Connection, level: str | None = None) -> list[dict]:
    query = select(schema.units).order_by(schema.units.c.code)
    if level:
        query = query.where(schema.units.c.level == level)
    return [dict(row) for row in connection.execute(query).mappings()]


def indicator_catalogue(connection: Connection) -> list[dict]:
    query = select(schema.indicators).order_by(schema.indicators.c.code)
    return [dict(row) for row in connection.execute(query).mappings()]


def observation_series(
    connection: Connection, indicator_code: str, unit_code: str, start: datetime, end: datetime
) -> list[tuple[datetime, float]]:
    """Values of one indicator for one unit with ``start <= ts < end`` (UTC), oldest first."""
    o = schema.observations
    query = (
        select(o.c.ts, o.c.value)
        .where(o.c.indicator_code == indicator_code, o.c.unit_code == unit_code, o.c.ts >= start, o.c.ts < end)
        .order_by(o.c.ts)
    )
    return [(ts, value) for ts, value in connection.execute(query)]


def daily_rollups(connection: Connection, sensor_id: str, metric: str, first: date, last: date) -> list[dict]:
    """Daily count/sum/min/max/mean of one sensor metric for Vietnam days ``first..last`` inclusive."""
    r = schema.rollups_daily
    query = (
        select(r.c.day, r.c.count, r.c.sum, r.c.min, r.c.max)
        .where(r.c.sensor_id == sensor_id, r.c.metric == metric, r.c.day >= first, r.c.day <= last)
        .order_by(r.c.day)
    )
    return [{**row, "mean": row["sum"] / row["count"]} for row in connection.execute(query).mappings()]


def hourly_rollups(
    connection: Connection, sensor_id: str, metric: str, start: datetime, end: datetime
) -> list[dict]:
    """Hourly count/sum/min/max/mean of one sensor metric for UTC hours in ``[start, end)``."""
    r = schema.rollups_hourly
    query = (
        select(r.c.hour, r.c.count, r.c.sum, r.c.min, r.c.max)
        .where(r.c.sensor_id == sensor_id, r.c.metric == metric, r.c.hour >= start, r.c.hour < end)
        .order_by(r.c.hour)
    )
    return [{**row, "mean": row["sum"] / row["count"]} for row in connection.execute(query).mappings()]


def collector_health(connection: Connection) -> list[dict]:
    """Per collector: its latest run, and when it last succeeded and last failed."""
    runs = schema.collector_runs
    latest = select(runs.c.collector, func.max(runs.c.id).label("id")).group_by(runs.c.collector).subquery()
    last_ok = (
        select(runs.c.collector, func.max(runs.c.finished_at).label("last_success"))
        .where(runs.c.status == "ok")
        .group_by(runs.c.collector)
        .subquery()
    )
    last_failed = (
        select(runs.c.collector, func.max(runs.c.id).label("failed_id"))
        .where(runs.c.status == "failed")
        .group_by(runs.c.collector)
        .subquery()
    )
    failed = runs.alias("failed")
    query = (
        select(
            runs.c.collector,
            runs.c.status,
            runs.c.started_at,
            runs.c.finished_at,
            runs.c.rows,
            last_ok.c.last_success,
            failed.c.finished_at.label("last_failure"),
            failed.c.error.label("last_error"),
        )
        .join(latest, latest.c.id == runs.c.id)
        .outerjoin(last_ok, last_ok.c.collector == runs.c.collector)
        .outerjoin(last_failed, last_failed.c.collector == runs.c.collector)
        .outerjoin(failed, failed.c.id == last_failed.c.failed_id)
        .order_by(runs.c.collector)
    )
    return [dict(row) for row in connection.execute(query).mappings()]


def rejected_counts(connection: Connection, since: datetime | None = None) -> dict[tuple[str, str], int]:
    """How many inputs were rejected, per (source, reason)."""
    r = schema.rejected_inputs
    query = select(r.c.source, r.c.reason, func.count()).group_by(r.c.source, r.c.reason)
    if since is not None:
        query = query.where(r.c.ts >= since)
    return {(source, reason): count for source, reason, count in connection.execute(query)}


def rejected_inputs(connection: Connection, source: str, limit: int = 100) -> list[dict]:
    """The latest rejected inputs of a source, newest first."""
    r = schema.rejected_inputs
    query = select(r).where(r.c.source == source).order_by(r.c.id.desc()).limit(limit)
    return [dict(row) for row in connection.execute(query).mappings()]


# Sensors: the registry, the latest values, and hourly means for the indicators.


def sensors(connection: Connection, kind: str | None = None) -> list[dict]:
    """Registered sensors (``metrics`` holds each metric's unit, valid range, thresholds, alarm levels)."""
    query = select(schema.sensors).order_by(schema.sensors.c.id)
    if kind:
        query = query.where(schema.sensors.c.kind == kind)
    return [dict(row) for row in connection.execute(query).mappings()]


def latest_readings(connection: Connection, since: datetime, kind: str | None = None) -> list[dict]:
    """The newest reading of every sensor metric timed at or after ``since`` (UTC): sensor_id, metric, ts,
    value. A sensor silent since then has none, which is what "current" should show."""
    r = schema.readings
    newest = (
        select(r.c.sensor_id, r.c.metric, func.max(r.c.ts).label("ts"))
        .where(r.c.ts >= since)
        .group_by(r.c.sensor_id, r.c.metric)
        .subquery()
    )
    query = (
        select(r.c.sensor_id, r.c.metric, r.c.ts, r.c.value)
        .join(newest, (newest.c.sensor_id == r.c.sensor_id) & (newest.c.metric == r.c.metric)
              & (newest.c.ts == r.c.ts))
        .order_by(r.c.sensor_id, r.c.metric)
    )
    if kind:
        query = query.join(schema.sensors, schema.sensors.c.id == r.c.sensor_id).where(schema.sensors.c.kind == kind)
    return [dict(row) for row in connection.execute(query).mappings()]


def hourly_means(
    connection: Connection, sensor_id: str, metrics: list[str], start: datetime, end: datetime
) -> dict[str, dict[datetime, float]]:
    """metric -> {hour start: mean} of one sensor for UTC hours in ``[start, end)``, from the hourly rollups."""
    r = schema.rollups_hourly
    query = select(r.c.metric, r.c.hour, r.c.sum, r.c.count).where(
        r.c.sensor_id == sensor_id, r.c.metric.in_(metrics), r.c.hour >= start, r.c.hour < end
    )
    means: dict[str, dict[datetime, float]] = {metric: {} for metric in metrics}
    for metric, hour, total, count in connection.execute(query):
        means[metric][hour] = total / count
    return means
