"""What people do to an alert: acknowledge, assign, shelve, clear. Each is signed by a user and logged.

An alert is active or cleared, and unacknowledged or acknowledged (DOMAIN.md); shelving silences an active
alert until a given time, after which the engine returns it. Every action writes an event with the user, the
time (UTC) and the note, so the log says who acknowledged what, when and why. An action that makes no sense in
the alert's state is refused with ``AlertActionError`` and changes nothing. Whether the user may act at all is
the caller's check (the ``alerts:acknowledge`` permission); these functions trust the name they are given.
"""

from datetime import datetime

from sqlalchemy import Connection

from ioc.store import alert_queries as q

NOTE_MAX_CHARS = 1000
ASSIGNEE_MAX_CHARS = 100


class AlertActionError(Exception):
    """The action is not possible on this alert now; the message says why, ``reason`` names the case for the
    page's catalogue (``alerts.refused.<reason>``)."""

    def __init__(self, reason: str, message: str):
        super().__init__(message)
        self.reason = reason


def acknowledge(connection: Connection, alert_id: int, user: str, at: datetime, note: str | None = None) -> None:
    """Acknowledge an active or cleared alert (acknowledging a cleared one is how it leaves the list)."""
    _current(connection, alert_id)
    if not q.change_alert(connection, alert_id, expect={"acknowledged": False}, acknowledged=True):
        raise AlertActionError("already_acknowledged", f"alert {alert_id} is already acknowledged")
    q.add_event(connection, alert_id, at, "acknowledge", user, _note(note))


def assign(connection: Connection, alert_id: int, user: str, at: datetime, assignee: str,
           note: str | None = None) -> None:
    """Give an active alert to ``assignee`` (a user name) to handle."""
    assignee = assignee.strip()[:ASSIGNEE_MAX_CHARS]
    if not assignee:
        raise AlertActionError("no_assignee", "say who the alert is assigned to")
    _active(connection, alert_id, "assigned")
    q.change_alert(connection, alert_id, assignee=assignee)
    q.add_event(connection, alert_id, at, "assign", user, _note(f"→ {assignee}" + (f": {note}" if note else "")))


def shelve(connection: Connection, alert_id: int, user: str, at: datetime, until: datetime, reason: str) -> None:
    """Silence an active alert until ``until``: no notification or escalation; it returns by itself then."""
    if not reason or not reason.strip():
        raise AlertActionError("no_reason", "a reason is required to shelve an alert")
    if until <= at:
        raise AlertActionError("past_expiry", "the shelving must end in the future")
    _active(connection, alert_id, "shelved")
    q.change_alert(connection, alert_id, shelved_until=until)
    q.add_event(connection, alert_id, at, "shelve", user, _note(f"{reason.strip()} (until {until:%Y-%m-%d %H:%M}Z)"))


def clear(connection: Connection, alert_id: int, user: str, at: datetime, note: str) -> None:
    """Clear an active alert by hand. If its condition still holds, the next evaluation raises a new one."""
    if not note or not note.strip():
        raise AlertActionError("no_note", "a note is required to clear an alert by hand")
    _current(connection, alert_id)
    if not q.change_alert(connection, alert_id, expect={"active": True}, active=False, cleared_at=at,
                          shelved_until=None):
        raise AlertActionError("already_cleared", f"alert {alert_id} is already cleared")
    q.add_event(connection, alert_id, at, "clear", user, _note(note))


def _current(connection: Connection, alert_id: int) -> dict:
    alert = q.alert(connection, alert_id)
    if alert is None:
        raise AlertActionError("no_alert", f"there is no alert {alert_id}")
    return alert


def _active(connection: Connection, alert_id: int, verb: str) -> dict:
    alert = _current(connection, alert_id)
    if not alert["active"]:
        raise AlertActionError("cleared", f"alert {alert_id} is cleared and cannot be {verb}")
    return alert


def _note(note: str | None) -> str | None:
    note = (note or "").strip()
    return note[:NOTE_MAX_CHARS] or None
