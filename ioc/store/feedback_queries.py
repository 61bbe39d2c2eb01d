"""The SQL of citizen feedback: reports, their event log, the staff inbox, and the sums behind the feedback
indicators (docs/indicators.md). Times are UTC; days are Vietnam days.

A status change is a conditional UPDATE on the status the caller saw (``change_status``), so two people acting
on one report at once cannot both succeed.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Connection, and_, case, func, insert, or_, select, update

from ioc.feedback.workflow import OPEN_STATUSES
from ioc.store import schema
from ioc.timeutil import local_day_bounds

PUBLIC_COLUMNS = ("tracking_code", "channel", "category", "title", "unit_code", "outside_province", "status",
                  "agency", "received_at", "due_at", "answered_at", "closed_at", "reply", "reject_reason", "rating")
"""What a citizen may read back by tracking code: no name, phone, e-mail, coordinates or internal notes."""


def add_report(connection: Connection, values: dict) -> int:
    return connection.execute(insert(schema.feedback).values(**values)).inserted_primary_key[0]


def report_by_ref(connection: Connection, channel: str, channel_ref: str) -> dict | None:
    f = schema.feedback
    row = connection.execute(select(f).where(f.c.channel == channel, f.c.channel_ref == channel_ref)).mappings().first()
    return dict(row) if row else None


def report_by_code(connection: Connection, tracking_code: str) -> dict | None:
    f = schema.feedback
    row = connection.execute(select(f).where(f.c.tracking_code == tracking_code)).mappings().first()
    return dict(row) if row else None


def report(connection: Connection, report_id: int) -> dict | None:
    f = schema.feedback
    row = connection.execute(select(f).where(f.c.id == report_id)).mappings().first()
    return dict(row) if row else None


def tracking_code_taken(connection: Connection, tracking_code: str) -> bool:
    f = schema.feedback
    return connection.execute(select(f.c.id).where(f.c.tracking_code == tracking_code)).first() is not None


def change_status(connection: Connection, report_id: int, from_status: str, values: dict) -> bool:
    """Set ``values`` on the report if it is still in ``from_status``; False if someone changed it first."""
    f = schema.feedback
    statement = update(f).where(f.c.id == report_id, f.c.status == from_status).values(**values)
    return connection.execute(statement).rowcount == 1


def add_event(connection: Connection, report_id: int, at: datetime, actor: str, from_status: str | None,
              to_status: str, note: str | None) -> None:
    connection.execute(insert(schema.feedback_events).values(
        feedback_id=report_id, ts=at, actor=actor, from_status=from_status, to_status=to_status, note=note))


def events(connection: Connection, report_id: int) -> list[dict]:
    """The report's history, oldest first."""
    e = schema.feedback_events
    query = select(e).where(e.c.feedback_id == report_id).order_by(e.c.ts, e.c.id)
    return [dict(row) for row in connection.execute(query).mappings()]


def inbox(connection: Connection, now: datetime, status: str | None = None, category: str | None = None,
          channel: str | None = None, unit_code: str | None = None, overdue: bool = False,
          limit: int = 200) -> list[dict]:
    """The staff inbox: reports matching the filters, with an ``overdue`` flag; open reports first, soonest due
    first, then the finished ones, newest first."""
    f = schema.feedback
    query = select(f, _overdue(f, now).label("overdue"))
    if status:
        query = query.where(f.c.status == status)
    if category:
        query = query.where(f.c.category == category)
    if channel:
        query = query.where(f.c.channel == channel)
    if unit_code:
        query = query.where(f.c.unit_code == unit_code)
    if overdue:
        query = query.where(_overdue(f, now))
    finished = case((f.c.status.in_(OPEN_STATUSES), 0), else_=1)
    due_first = case((f.c.status.in_(OPEN_STATUSES), f.c.due_at))
    query = query.order_by(finished, due_first, f.c.received_at.desc(), f.c.id.desc()).limit(limit)
    return [{**row, "overdue": bool(row["overdue"])} for row in connection.execute(query).mappings()]


def _overdue(f, now: datetime):
    """Past its due time and neither answered, closed nor rejected."""
    return and_(f.c.due_at < now, f.c.answered_at.is_(None), f.c.closed_at.is_(None), f.c.status != "rejected")


def overdue_count(connection: Connection, now: datetime, unit_code: str | None = None) -> int:
    """Reports overdue at ``now`` (of one unit, or all): what the ``feedback_overdue`` alert rule counts."""
    f = schema.feedback
    query = select(func.count()).select_from(f).where(_overdue(f, now))
    if unit_code is not None:
        query = query.where(f.c.unit_code == unit_code)
    return connection.execute(query).scalar_one()


def backlog_count(connection: Connection, unit_code: str | None = None) -> int:
    """Reports still open (not answered, closed or rejected), of one unit or all."""
    f = schema.feedback
    query = select(func.count()).select_from(f).where(f.c.status.in_(OPEN_STATUSES))
    if unit_code is not None:
        query = query.where(f.c.unit_code == unit_code)
    return connection.execute(query).scalar_one()


def handled_reports(connection: Connection, start: datetime, end: datetime,
                    unit_code: str | None = None) -> list[dict]:
    """Reports received in ``[start, end)`` with what the indicators need of each: status, due, answer, rating."""
    f = schema.feedback
    query = select(f.c.status, f.c.received_at, f.c.due_at, f.c.answered_at, f.c.rating).where(
        f.c.received_at >= start, f.c.received_at < end)
    if unit_code is not None:
        query = query.where(f.c.unit_code == unit_code)
    return [dict(row) for row in connection.execute(query).mappings()]


def volume(connection: Connection, by: str, start: datetime, end: datetime) -> dict[str | None, int]:
    """Reports received in ``[start, end)`` counted by ``category``, ``channel`` or ``unit_code``."""
    f = schema.feedback
    column = {"category": f.c.category, "channel": f.c.channel, "unit_code": f.c.unit_code}[by]
    query = (select(column, func.count()).where(f.c.received_at >= start, f.c.received_at < end)
             .group_by(column))
    return dict(connection.execute(query).all())


def received_times(connection: Connection, start: datetime, end: datetime) -> list[datetime]:
    """When each report of ``[start, end)`` was received: the daily volume is counted from these in Vietnam
    days (a GROUP BY on a UTC timestamp would cut days at 07:00 Vietnam time)."""
    f = schema.feedback
    query = select(f.c.received_at).where(f.c.received_at >= start, f.c.received_at < end)
    return list(connection.execute(query).scalars())


def today_summary(connection: Connection, day: date, now: datetime) -> dict[str, int]:
    """For the wall display: reports received and answered on Vietnam ``day``, and those overdue at its end
    (or at ``now``, for today)."""
    start, end = local_day_bounds(day)
    f = schema.feedback
    query = select(
        func.count().filter(and_(f.c.received_at >= start, f.c.received_at < end)),
        func.count().filter(and_(f.c.answered_at >= start, f.c.answered_at < end)),
    ).select_from(f)
    received, answered = connection.execute(query).one()
    return {"received": received, "answered": answered, "overdue": overdue_at(connection, min(end, now))}


def overdue_at(connection: Connection, moment: datetime) -> int:
    """Reports received before ``moment`` that were past due then and not answered or closed by then (rejected
    ones never count: a rejection is an outcome, not a delay)."""
    f = schema.feedback
    finished_later = or_(f.c.answered_at.is_(None), f.c.answered_at > moment)
    closed_later = or_(f.c.closed_at.is_(None), f.c.closed_at > moment)
    query = select(func.count()).select_from(f).where(
        f.c.received_at < moment, f.c.due_at < moment, finished_later, closed_later, f.c.status != "rejected")
    return connection.execute(query).scalar_one()
