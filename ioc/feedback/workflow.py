"""The handling workflow of a citizen report: its statuses, the channels it comes from, and which step may
follow which (docs/feedback.md#workflow). Pure: the store and the clock are the caller's."""

from __future__ import annotations

from dataclasses import dataclass

CHANNELS = ("app", "hotline", "web", "zalo", "email")
"""Mobile app (field reports, Hue-S style), hotline operators, the web form, Zalo Official Account, e-mail."""

STATUSES = ("received", "accepted", "rejected", "assigned", "in_progress", "answered", "closed")
OPEN_STATUSES = ("received", "accepted", "assigned", "in_progress")
"""Not yet answered (nor rejected): these count in the backlog and can become overdue."""

NEXT: dict[str, tuple[str, ...]] = {
    "received": ("accepted", "rejected"),
    "accepted": ("assigned", "rejected"),
    "assigned": ("in_progress", "assigned"),
    "in_progress": ("answered", "assigned"),
    "answered": ("closed",),
    "rejected": (),
    "closed": (),
}
"""Allowed steps; ``assigned`` -> ``assigned`` hands a report to another agency."""

RATINGS = range(1, 6)
NOTE_MAX_CHARS = 2000
REPLY_MAX_CHARS = 5000
AGENCY_MAX_CHARS = 200


class TransitionError(Exception):
    """A step that cannot be taken; ``field`` names the input at fault (or ``to``), ``message`` says why."""

    def __init__(self, field: str, message: str, status: int = 409):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message
        self.status = status


@dataclass(frozen=True)
class Change:
    """One requested step: the new status and what that step needs (reason, agency, reply or rating)."""

    to: str
    note: str | None = None
    reason: str | None = None
    agency: str | None = None
    reply: str | None = None
    rating: int | None = None


def check(current: str, change: Change) -> dict:
    """The report's columns to set for ``change`` from ``current``; raise TransitionError if not allowed."""
    if change.to not in STATUSES:
        raise TransitionError("to", f"unknown status {change.to!r}", 422)
    if change.to not in NEXT[current]:
        allowed = ", ".join(NEXT[current]) or "none (the report is finished)"
        raise TransitionError("to", f"cannot go from {current} to {change.to}; allowed: {allowed}")
    values: dict = {"status": change.to}
    if change.to == "rejected":
        values["reject_reason"] = _required(change.reason, "reason", "a rejection needs a reason")
    elif change.to == "assigned":
        values["agency"] = _required(change.agency, "agency", "an assignment names the agency")
        if len(values["agency"]) > AGENCY_MAX_CHARS:
            raise TransitionError("agency", f"at most {AGENCY_MAX_CHARS} characters", 422)
    elif change.to == "answered":
        values["reply"] = _required(change.reply, "reply", "an answer needs the official reply")
    elif change.to == "closed" and change.rating is not None:
        if change.rating not in RATINGS:
            raise TransitionError("rating", "the citizen's rating is 1 to 5", 422)
        values["rating"] = change.rating
    return values


def _required(value: str | None, field: str, message: str) -> str:
    if value is None or not value.strip():
        raise TransitionError(field, message, 422)
    return value.strip()
