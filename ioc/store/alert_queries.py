"""The alert engine's reads (sensor values, collector runs, indicators) and the alerts'
own reads and writes: alerts, their event log, pending conditions and notification deliveries.

Times are UTC. A state change of an alert is a conditional UPDATE (``change_alert``), so two operators acting
on one alert at once cannot both succeed.
"""

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import Connection, and_, case, delete, func, insert, or_, select, update

from ioc.store import schema
from ioc.store.upsert import insert_for

# --- What rules watch ---------------------------------------------------------------------------------------


def sensors(connection: Connection, sensor_id: str | None = None, kind: str | None = None) -> list[dict]:
    """Registered sensors (id, kind, name, unit_code, metrics), one sensor or one kind."""
    s = schema.sensors
    query = select(s.c.id, s.c.kind, s.c.name, s.c.unit_code, s.c.metrics).order_by(s.c.id)
    if sensor_id is not None:
        query = query.where(s.c.id == sensor_id)
    if kind is not None:
        query = query.where(s.c.kind == kind)
    return [dict(row) for row in connection.execute(query).mappings()]


def latest_values(connection: Connection, metric: str, sensor_ids: Iterable[str]) -> dict[str, tuple[datetime, float]]:
    """Sensor id -> (time, value) of its latest reading of ``metric``."""
    r = schema.readings
    ids = list(sensor_ids)
    latest = (select(r.c.sensor_id, func.max(r.c.ts).label("ts"))
              .where(r.c.metric == metric, r.c.sensor_id.in_(ids)).group_by(r.c.sensor_id).subquery())
    query = select(r.c.sensor_id, r.c.ts, r.c.value).join(
        latest, and_(r.c.sensor_id == latest.c.sensor_id, r.c.ts == latest.c.ts)).where(r.c.metric == metric)
    return {sensor_id: (ts, value) for sensor_id, ts, value in connection.execute(query)}


def values_since(connection: Connection, metric: str, sensor_ids: Iterable[str],
                 since: datetime) -> dict[str, list[tuple[datetime, float]]]:
    """Sensor id -> its readings of ``metric`` at or after ``since``, oldest first."""
    r = schema.readings
    query = (select(r.c.sensor_id, r.c.ts, r.c.value)
             .where(r.c.metric == metric, r.c.sensor_id.in_(list(sensor_ids)), r.c.ts >= since)
             .order_by(r.c.sensor_id, r.c.ts))
    series: dict[str, list[tuple[datetime, float]]] = {}
    for sensor_id, ts, value in connection.execute(query):
        series.setdefault(sensor_id, []).append((ts, value))
    return series


def hourly_means(connection: Connection, sensor_ids: Iterable[str], start: datetime, end: datetime,
                 metrics: Iterable[str] | None = None) -> dict[str, dict[str, dict[datetime, float]]]:
    """Sensor id -> metric -> hour start -> mean, for UTC hours in ``[start, end)`` (the input of VN_AQI).

    Naming ``metrics`` lets the store seek each (sensor, metric, hour) range on the key instead of reading
    every metric's whole history: the wall needs that with a year of rollups."""
    h = schema.rollups_hourly
    query = select(h.c.sensor_id, h.c.metric, h.c.hour, h.c.sum, h.c.count).where(
        h.c.sensor_id.in_(list(sensor_ids)), h.c.hour >= start, h.c.hour < end)
    if metrics is not None:
        query = query.where(h.c.metric.in_(list(metrics)))
    means: dict[str, dict[str, dict[datetime, float]]] = {}
    for sensor_id, metric, hour, total, count in connection.execute(query):
        means.setdefault(sensor_id, {}).setdefault(metric, {})[hour] = total / count
    return means


def last_heard(connection: Connection, sensor_ids: Iterable[str]) -> dict[str, datetime]:
    """Sensor id -> time of its latest reading of any metric (sensors never heard are absent)."""
    r = schema.readings
    query = (select(r.c.sensor_id, func.max(r.c.ts)).where(r.c.sensor_id.in_(list(sensor_ids)))
             .group_by(r.c.sensor_id))
    return dict(connection.execute(query).all())


def first_run_started(connection: Connection, collector: str) -> datetime | None:
    """When ``collector`` (or the alert engine) first ran in this store, or None if it never did."""
    runs = schema.collector_runs
    return connection.execute(select(func.min(runs.c.started_at)).where(runs.c.collector == collector)).scalar()


def last_successful_runs(connection: Connection) -> dict[str, datetime | None]:
    """Collector -> when its latest successful run finished (None if it has runs but none succeeded)."""
    runs = schema.collector_runs
    ok_finish = case((runs.c.status == "ok", runs.c.finished_at))
    query = select(runs.c.collector, func.max(ok_finish)).group_by(runs.c.collector)
    return dict(connection.execute(query).all())


def failed_streaks(connection: Connection) -> dict[str, int]:
    """Collector -> how many runs failed since its latest successful one (collectors with none left out)."""
    runs = schema.collector_runs
    last_ok = select(runs.c.collector, func.max(runs.c.id).label("id")).where(runs.c.status == "ok").group_by(
        runs.c.collector).subquery()
    query = (select(runs.c.collector, func.count())
             .outerjoin(last_ok, last_ok.c.collector == runs.c.collector)
             .where(runs.c.status == "failed", runs.c.id > func.coalesce(last_ok.c.id, 0))
             .group_by(runs.c.collector))
    return dict(connection.execute(query).all())


def latest_indicator_values(connection: Connection, indicator: str, unit_code: str | None = None) -> dict[str, float]:
    """Unit code -> the value of ``indicator`` for the latest period stored for that unit."""
    o = schema.observations
    latest = select(o.c.unit_code, func.max(o.c.ts).label("ts")).where(o.c.indicator_code == indicator)
    if unit_code is not None:
        latest = latest.where(o.c.unit_code == unit_code)
    latest = latest.group_by(o.c.unit_code).subquery()
    query = (select(o.c.unit_code, o.c.value)
             .join(latest, and_(o.c.unit_code == latest.c.unit_code, o.c.ts == latest.c.ts))
             .where(o.c.indicator_code == indicator).order_by(o.c.unit_code, o.c.recorded_at))
    return {unit: value for unit, value in connection.execute(query)}  # one source per period: latest recorded wins


def unit_names(connection: Connection) -> dict[str, str]:
    u = schema.units
    return dict(connection.execute(select(u.c.code, u.c.name)).all())


def indicator_name(connection: Connection, code: str) -> str:
    i = schema.indicators
    return connection.execute(select(i.c.name_vi).where(i.c.code == code)).scalar_one_or_none() or code


# --- Alerts and their event log -----------------------------------------------------------------------------


def open_alerts(connection: Connection, rule_id: str) -> dict[str, dict]:
    """Target -> the active alert of ``rule_id`` for it (at most one per target)."""
    a = schema.alerts
    query = select(a).where(a.c.rule_id == rule_id, a.c.active.is_(True))
    return {row["target"]: dict(row) for row in connection.execute(query).mappings()}


def add_alert(connection: Connection, **values) -> int:
    return connection.execute(insert(schema.alerts).values(**values)).inserted_primary_key[0]


def change_alert(connection: Connection, alert_id: int, expect: dict | None = None, **values) -> bool:
    """Set ``values`` on the alert if its columns still equal ``expect``; return whether it did."""
    a = schema.alerts
    conditions = [a.c[name].is_(value) if value is None or isinstance(value, bool) else a.c[name] == value
                  for name, value in (expect or {}).items()]
    result = connection.execute(update(a).where(a.c.id == alert_id, *conditions).values(**values))
    return result.rowcount == 1


def add_event(connection: Connection, alert_id: int, at: datetime, action: str, actor: str,
              note: str | None = None) -> None:
    connection.execute(insert(schema.alert_events).values(alert_id=alert_id, ts=at, action=action, actor=actor,
                                                          note=note))


def alert(connection: Connection, alert_id: int) -> dict | None:
    row = connection.execute(select(schema.alerts).where(schema.alerts.c.id == alert_id)).mappings().first()
    return dict(row) if row else None


def events(connection: Connection, alert_id: int) -> list[dict]:
    """The alert's event log, oldest first."""
    e = schema.alert_events
    query = select(e.c.ts, e.c.action, e.c.actor, e.c.note).where(e.c.alert_id == alert_id).order_by(e.c.id)
    return [dict(row) for row in connection.execute(query).mappings()]


def shelving_expired(connection: Connection, now: datetime) -> list[int]:
    """Ids of alerts whose shelving ran out at or before ``now``."""
    a = schema.alerts
    return list(connection.execute(select(a.c.id).where(a.c.shelved_until <= now)).scalars())


def escalation_due(connection: Connection, notified_before: datetime, now: datetime) -> list[dict]:
    """Active, unacknowledged, unshelved critical alerts last notified at or before ``notified_before``."""
    a = schema.alerts
    query = select(a).where(
        a.c.active.is_(True), a.c.acknowledged.is_(False), a.c.severity == "critical",
        or_(a.c.shelved_until.is_(None), a.c.shelved_until <= now), a.c.notified_at <= notified_before,
    ).order_by(a.c.id)
    return [dict(row) for row in connection.execute(query).mappings()]


def alert_list(connection: Connection, *, active_only: bool = False, since: datetime | None = None,
               severity: str | None = None, acknowledged: bool | None = None, source: str | None = None,
               unit_code: str | None = None, limit: int = 500) -> list[dict]:
    """Alerts for the page and the CAP export: active ones, and with ``since`` also those cleared since then.

    Not sorted by severity: the caller orders them (severity rank is not a column).
    """
    a = schema.alerts
    query = select(a).order_by(a.c.raised_at.desc()).limit(limit)
    if active_only:
        query = query.where(a.c.active.is_(True))
    elif since is not None:
        query = query.where(or_(a.c.active.is_(True), a.c.cleared_at >= since))
    for column, value in (("severity", severity), ("acknowledged", acknowledged), ("source", source),
                          ("unit_code", unit_code)):
        if value is not None:
            query = query.where(a.c[column] == value)
    return [dict(row) for row in connection.execute(query).mappings()]


def unacknowledged_critical_count(connection: Connection) -> int:
    """Active critical alerts nobody has acknowledged (shelved ones included: shelving is not acknowledging)."""
    a = schema.alerts
    query = select(func.count()).select_from(a).where(a.c.active.is_(True), a.c.acknowledged.is_(False),
                                                       a.c.severity == "critical")
    return connection.execute(query).scalar_one()


def acknowledgements(connection: Connection, alert_ids: Iterable[int]) -> dict[int, dict]:
    """Alert id -> its latest acknowledgement event (ts, actor, note)."""
    e = schema.alert_events
    latest = (select(func.max(e.c.id)).where(e.c.action == "acknowledge", e.c.alert_id.in_(list(alert_ids)))
              .group_by(e.c.alert_id))
    query = select(e.c.alert_id, e.c.ts, e.c.actor, e.c.note).where(e.c.id.in_(latest))
    return {row["alert_id"]: dict(row) for row in connection.execute(query).mappings()}


# --- Minimum durations --------------------------------------------------------------------------------------


def pending_since(connection: Connection, rule_id: str) -> dict[str, datetime]:
    p = schema.alert_pending
    return dict(connection.execute(select(p.c.target, p.c.since).where(p.c.rule_id == rule_id)).all())


def set_pending(connection: Connection, rule_id: str, targets: Iterable[str], since: datetime) -> None:
    rows = [{"rule_id": rule_id, "target": target, "since": since} for target in targets]
    if rows:
        connection.execute(insert_for(connection, schema.alert_pending).on_conflict_do_nothing(), rows)


def drop_pending(connection: Connection, rule_id: str, targets: Iterable[str]) -> None:
    p = schema.alert_pending
    targets = list(targets)
    if targets:
        connection.execute(delete(p).where(p.c.rule_id == rule_id, p.c.target.in_(targets)))


# --- Notification deliveries --------------------------------------------------------------------------------


def record_delivery(connection: Connection, alert_id: int, channel: str, event: str, at: datetime, attempts: int,
                    error: str | None) -> None:
    connection.execute(insert(schema.alert_deliveries).values(
        alert_id=alert_id, channel=channel, event=event, ts=at, attempts=attempts,
        status="failed" if error else "ok", error=error))


def channel_health(connection: Connection) -> list[dict]:
    """Per channel: the status and time of its latest delivery, its last success, and its last error."""
    d = schema.alert_deliveries
    latest = select(d.c.channel, func.max(d.c.id).label("id")).group_by(d.c.channel).subquery()
    last_sent = (select(d.c.channel, func.max(d.c.ts).label("last_success")).where(d.c.status == "ok")
                 .group_by(d.c.channel).subquery())
    last_failed = (select(d.c.channel, func.max(d.c.id).label("id")).where(d.c.status == "failed")
                   .group_by(d.c.channel).subquery())
    failed = d.alias("failed")
    query = (
        select(d.c.channel, d.c.status, d.c.ts, last_sent.c.last_success, failed.c.ts.label("last_failure"),
               failed.c.error.label("last_error"))
        .join(latest, latest.c.id == d.c.id)
        .outerjoin(last_sent, last_sent.c.channel == d.c.channel)
        .outerjoin(last_failed, last_failed.c.channel == d.c.channel)
        .outerjoin(failed, failed.c.id == last_failed.c.id)
        .order_by(d.c.channel)
    )
    return [dict(row) for row in connection.execute(query).mappings()]


# --- The alarm-load report ----------------------------------------------------------------------------------


def transitions(connection: Connection, start: datetime, end: datetime) -> list[dict]:
    """Raise and clear events in ``[start, end)`` with the rule and target of their alert, oldest first."""
    e, a = schema.alert_events, schema.alerts
    query = (select(e.c.alert_id, a.c.rule_id, a.c.target, e.c.ts, e.c.action)
             .join(a, a.c.id == e.c.alert_id)
             .where(e.c.action.in_(("raise", "clear")), e.c.ts >= start, e.c.ts < end)
             .order_by(e.c.ts, e.c.id))
    return [dict(row) for row in connection.execute(query).mappings()]


def alerts_active_during(connection: Connection, start: datetime, end: datetime) -> list[dict]:
    """Alerts raised before ``end`` and not cleared before ``start``: id, rule, target, raised and cleared."""
    a = schema.alerts
    query = (select(a.c.id, a.c.rule_id, a.c.target, a.c.raised_at, a.c.cleared_at)
             .where(a.c.raised_at < end, or_(a.c.cleared_at.is_(None), a.c.cleared_at >= start))
             .order_by(a.c.id))
    return [dict(row) for row in connection.execute(query).mappings()]
