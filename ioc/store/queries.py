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
