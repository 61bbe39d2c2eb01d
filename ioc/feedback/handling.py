"""Taking a report in and moving it through the workflow: the one path the API, the staff page, the hotline
form, the import and the simulator all use. Every step is recorded in ``feedback_events`` with who, when,
from, to and a note. The clock is the caller's (``now``), so history can be replayed and tests are exact.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection
from sqlalchemy.exc import IntegrityError

from ioc.config import FeedbackSettings
from ioc.feedback import deadlines
from ioc.feedback.places import DistrictLocator
from ioc.feedback.workflow import Change, TransitionError, check
from ioc.store import feedback_queries as q

CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
"""Crockford's base 32: no I, L, O or U, so a code read out on the hotline is not misheard."""


@dataclass(frozen=True)
class NewReport:
    """A report as a channel hands it over, already validated field by field."""

    channel: str
    channel_ref: str
    category: str
    title: str
    description: str
    lon: float | None = None
    lat: float | None = None
    unit_code: str | None = None
    reporter_name: str | None = None
    reporter_phone: str | None = None
    reporter_email: str | None = None
    attachments: tuple[str, ...] = ()
    received_at: datetime | None = None
    """When the channel received it, if earlier than its arrival here (a retry, an export); default ``now``."""


def new_tracking_code() -> str:
    """'PA-7K3QX-9M2ZD': 50 random bits, so a citizen's code cannot be guessed from another's."""
    characters = "".join(secrets.choice(CODE_ALPHABET) for _ in range(10))
    return f"PA-{characters[:5]}-{characters[5:]}"


def submit(connection: Connection, settings: FeedbackSettings, locator: DistrictLocator, report: NewReport,
           submitted_by: str, now: datetime) -> tuple[dict, bool]:
    """Store ``report`` unless the channel sent it before; returns (the stored row, whether it is new).

    A report with coordinates gets the district that holds them (point in polygon); one outside the province
    is accepted and marked ``outside_province``. The deadline comes from the category's working days.
    """
    existing = q.report_by_ref(connection, report.channel, report.channel_ref)
    if existing is not None:
        return existing, False
    category = settings.category(report.category)
    if category is None:
        raise ValueError(f"unknown category {report.category!r}")
    unit_code, outside = report.unit_code, False
    if report.lon is not None and report.lat is not None:
        place = locator.locate(report.lon, report.lat)
        outside = not place.inside_province
        unit_code = place.unit_code or unit_code
    received_at = min(report.received_at or now, now)
    values = {
        "tracking_code": _unused_code(connection), "channel": report.channel, "channel_ref": report.channel_ref,
        "category": report.category, "title": report.title, "description": report.description,
        "unit_code": unit_code, "lon": report.lon, "lat": report.lat, "reporter_name": report.reporter_name,
        "reporter_phone": report.reporter_phone, "reporter_email": report.reporter_email,
        "attachments": list(report.attachments) or None, "outside_province": outside, "status": "received",
        "received_at": received_at, "submitted_by": submitted_by,
        "due_at": deadlines.due_at(received_at, category.deadline_days, settings.working_day_end),
    }
    savepoint = connection.begin_nested()
    try:
        report_id = q.add_report(connection, values)
    except IntegrityError:
        savepoint.rollback()  # the same report arrived twice at once: the other request stored it
        existing = q.report_by_ref(connection, report.channel, report.channel_ref)
        if existing is None:
            raise
        return existing, False
    savepoint.commit()
    q.add_event(connection, report_id, now, submitted_by, None, "received", None)
    return q.report(connection, report_id), True


def _unused_code(connection: Connection) -> str:
    while True:
        code = new_tracking_code()
        if not q.tracking_code_taken(connection, code):
            return code


def transition(connection: Connection, report_id: int, change: Change, actor: str, now: datetime) -> dict:
    """Take one workflow step on the report; returns the updated row. Raises TransitionError (nothing changes)
    when the step is not allowed, lacks what it needs, or someone else moved the report first. The event's note
    is the step's note, else the rejection reason or the agency assigned, so the history reads on its own."""
    current = q.report(connection, report_id)
    if current is None:
        raise TransitionError("report", "no such report", 404)
    values = check(current["status"], change)
    if change.to == "answered":
        values["answered_at"] = now
    elif change.to == "closed":
        values["closed_at"] = now
    if not q.change_status(connection, report_id, current["status"], values):
        raise TransitionError("to", "the report was changed by someone else meanwhile; reload it")
    note = change.note.strip() if change.note and change.note.strip() else None
    q.add_event(connection, report_id, now, actor, current["status"], change.to,
                note or change.reason or change.agency)
    return q.report(connection, report_id)
