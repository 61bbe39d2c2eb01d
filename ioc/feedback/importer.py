"""Importing a channel's export of reports (CSV or XLSX) with ``ioc import feedback FILE``.

The portal import's rules (ioc/portal_import.py, whose file reading this shares): every row is checked first
and a file with any error imports nothing, each error naming the row, the column and the reason; the same
file imported twice changes nothing, because a report is one row per (channel, the channel's own id).
Times without a zone are Vietnam local time.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine

from ioc.config import Settings
from ioc.feedback.handling import NewReport, submit
from ioc.feedback.models import DESCRIPTION_MAX_CHARS, TITLE_MAX_CHARS
from ioc.feedback.places import DistrictLocator
from ioc.feedback.workflow import CHANNELS
from ioc.portal_import import PROGRESS_EVERY, ImportFileError, RowError, map_header, read_table
from ioc.reference import read_units
from ioc.timeutil import VIETNAM, utcnow

REQUIRED = ("channel_ref", "channel", "category", "title", "description", "received_at")
LIMITS = {"channel_ref": 100, "title": TITLE_MAX_CHARS, "description": DESCRIPTION_MAX_CHARS, "unit_code": 10,
          "reporter_name": 200, "reporter_phone": 40, "reporter_email": 200}


class FeedbackImportError(ImportFileError):
    """The feedback export was not imported."""


def import_feedback_file(engine: Engine, settings: Settings, path: Path, actor: str,
                         progress: Callable[[int, int], None] | None = None) -> tuple[int, int]:
    """Check and store every row of ``path``; returns (new reports, reports already stored)."""
    try:
        header, rows = read_table(path, settings.portal_import.max_file_bytes)
        fields = map_header(path, header, settings.feedback.import_columns, REQUIRED)
    except ImportFileError as exc:
        raise FeedbackImportError(path, exc.errors) from None
    header_of = {field: name for field, name in zip(fields, header, strict=True) if field}
    units = {unit["code"] for unit in read_units(settings.resolve(settings.province.units_file))}
    now = utcnow()
    records, errors = [], []
    for done, (number, values) in enumerate(rows, start=1):
        cells = {field: value for field, value in zip(fields, values, strict=False) if field}
        record = _parse_row(number, cells, header_of, settings, units, now, errors)
        if record is not None:
            records.append(record)
        if progress and (done % PROGRESS_EVERY == 0 or done == len(rows)):
            progress(done, len(rows))
    if errors:
        raise FeedbackImportError(path, errors)
    locator = DistrictLocator.of(settings)
    new = 0
    with engine.begin() as connection:
        for record in records:
            new += submit(connection, settings.feedback, locator, record, actor, now)[1]
    return new, len(records) - new


def _parse_row(number: int, cells: dict, header_of: dict[str, str], settings: Settings, units: set[str],
               now: datetime, errors: list[RowError]) -> NewReport | None:
    found = len(errors)

    def fail(field: str, reason: str) -> None:
        errors.append(RowError(number, header_of.get(field, field), reason))

    values: dict = {}
    for field in ("channel_ref", "channel", "category", "title", "description", "unit_code", "reporter_name",
                  "reporter_phone", "reporter_email"):
        text = _text(cells.get(field))
        if field in REQUIRED and not text:
            fail(field, "empty")
        elif text and len(text) > LIMITS.get(field, 40):
            fail(field, f"longer than {LIMITS.get(field, 40)} characters")
        elif text and "\x00" in text:
            fail(field, "holds a NUL character")
        values[field] = text or None
    if values["channel"] and values["channel"] not in CHANNELS:
        fail("channel", f"unknown channel {values['channel']!r}; known: {', '.join(CHANNELS)}")
    if values["category"] and settings.feedback.category(values["category"]) is None:
        fail("category", f"unknown category {values['category']!r}")
    if values["unit_code"] and values["unit_code"] not in units:
        fail("unit_code", f"no unit {values['unit_code']!r}")
    try:
        values["received_at"] = _moment(cells.get("received_at"))
        if values["received_at"] > now:
            fail("received_at", "in the future")
    except ValueError as exc:
        fail("received_at", str(exc))
    for field, low, high in (("lon", -180, 180), ("lat", -90, 90)):
        cell = cells.get(field)
        if cell in (None, ""):
            values[field] = None
            continue
        try:
            values[field] = float(str(cell).replace(",", ".")) if not isinstance(cell, int | float) else float(cell)
            if not low <= values[field] <= high:
                raise ValueError
        except ValueError:
            fail(field, f"not a coordinate between {low} and {high}: {cell!r}")
    if len(errors) > found:
        return None
    return NewReport(**values)


def _text(cell: object) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))  # a spreadsheet turned a numeric code into a number
    return str(cell).strip()


def _moment(cell: object) -> datetime:
    """A cell's date and time; naive ones are Vietnam local time."""
    if isinstance(cell, datetime):
        moment = cell
    else:
        text = _text(cell)
        moment = None
        for pattern in ("%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S", "%d/%m/%Y"):
            try:
                moment = datetime.strptime(text, pattern)  # noqa: DTZ007 - Vietnam local time, zone set below
                break
            except ValueError:
                pass
        if moment is None:
            try:
                moment = datetime.fromisoformat(text)
            except ValueError:
                raise ValueError(f"not a time (dd/mm/yyyy hh:mm): {cell!r}") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=VIETNAM)
