"""Named reads over citizen feedback (the ``feedback`` table). Times are UTC; days are Vietnam days."""

from datetime import date, datetime

from sqlalchemy import Connection, and_, case, func, select

from ioc.store import schema
from ioc.timeutil import local_day_bounds, utcnow

SETTLED_STATUSES = ("answered", "closed", "rejected")
"""A report in one of these states is no longer waiting for an answer, so it cannot be overdue."""


def today_summary(connection: Connection, day: date, now: datetime | None = None) -> dict[str, int]:
    """Reports received on Vietnam day ``day``, answered on that day, and overdue at ``now``.

    Overdue: not answered, closed or rejected, and due before ``now`` (by default the current moment),
    whenever it was received.
    """
    f = schema.feedback
    start, end = local_day_bounds(day)
    now = now or utcnow()
    received = func.sum(_flag(and_(f.c.received_at >= start, f.c.received_at < end)))
    answered = func.sum(_flag(and_(f.c.answered_at >= start, f.c.answered_at < end)))
    overdue = func.sum(_flag(and_(f.c.due_at < now, f.c.answered_at.is_(None), f.c.closed_at.is_(None),
                                  f.c.status.not_in(SETTLED_STATUSES))))
    row = connection.execute(select(received, answered, overdue)).one()
    return {"received": row[0] or 0, "answered": row[1] or 0, "overdue": row[2] or 0}


def _flag(condition):
    return case((condition, 1), else_=0)
