"""Importing a portal's report export (CSV or XLSX, Vietnamese headers) into the daily dossier statistics.

All or nothing: every row is checked first, and a file with any error imports nothing; each error names the
row (as a spreadsheet numbers it, the header being row 1), the column and the reason. Rows are upserted on
(day, unit, sector), so importing the same file twice changes nothing. CSV may be UTF-8 (with or without a
BOM) or UTF-16 (Excel's "Unicode text"), separated by commas, semicolons or tabs.

A file is an outsider's: it is refused before it is read when it is larger than ``portal_import.max_file_mb``,
and an XLSX (a zip of XML) when it would unpack to more than XLSX_EXPANSION times that, so neither a huge
export nor a zip bomb fills the memory. An XLSX cell holding a formula is refused: the import takes values,
and a formula's value is only what the spreadsheet last computed, if it ever did. Text that merely looks like
a formula (``=HYPERLINK(...)`` typed as text) is data and is kept as given; exports neutralise it
(ioc/tables.py).
"""

from __future__ import annotations

import codecs
import csv
import io
import math
import unicodedata
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import Engine

from collectors.portal_parse import PortalFormatError, check_dossier_stats
from ioc.config import PortalImportSettings
from ioc.records import DOSSIER_COUNTERS, DossierStats
from ioc.store import portal_queries
from ioc.store.portal_writer import store_dossier_stats

REQUIRED_FIELDS = ("day", "unit_code", "sector_code", *DOSSIER_COUNTERS, "handling_days")
PROGRESS_EVERY = 200
MAX_ERRORS = 50
"""Errors listed at most; a file with more is wrong throughout, and the first ones say how."""
MAX_FILE_BYTES = PortalImportSettings().max_file_bytes
XLSX_EXPANSION = 10
"""How many times its size an XLSX may unpack to: its XML is verbose, a zip bomb's ratio is in the thousands."""


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    reason: str

    def __str__(self) -> str:
        return f"row {self.row}, column {self.column!r}: {self.reason}"


class ImportFileError(Exception):
    """A report file was not imported; ``errors`` says where and why (the portal and feedback imports)."""

    def __init__(self, path: Path, errors: list[RowError]):
        self.errors = errors
        shown = "\n".join(f"  {error}" for error in errors[:MAX_ERRORS])
        more = f"\n  ... and {len(errors) - MAX_ERRORS} more" if len(errors) > MAX_ERRORS else ""
        super().__init__(f"{path}: {len(errors)} error(s), nothing imported\n{shown}{more}")


class PortalImportError(ImportFileError):
    """The portal report file was not imported."""


def import_portal_file(engine: Engine, path: Path, columns: Mapping[str, str],
                       progress: Callable[[int, int], None] | None = None, max_bytes: int = MAX_FILE_BYTES) -> int:
    """Check and store every row of ``path``; returns the number of rows. ``columns`` maps a header to a field
    (config ``portal_import.columns``); ``progress(done, total)`` is called as rows are checked; ``max_bytes``
    is ``portal_import.max_file_bytes``."""
    try:
        header, rows = read_table(path, max_bytes)
        fields = map_header(path, header, columns, REQUIRED_FIELDS)
    except ImportFileError as exc:
        raise PortalImportError(path, exc.errors) from None
    header_of = {field: name for field, name in zip(fields, header, strict=True) if field}
    with engine.connect() as connection:
        known_units = portal_queries.known_unit_codes(connection)
    records, errors = [], []
    for done, (number, values) in enumerate(rows, start=1):
        record = _parse_row(number, dict(zip(fields, values, strict=False)), header_of, known_units, errors)
        if record is not None:
            records.append(record)
        if progress and (done % PROGRESS_EVERY == 0 or done == len(rows)):
            progress(done, len(rows))
    if errors:
        raise PortalImportError(path, errors)
    with engine.begin() as connection:
        store_dossier_stats(connection, records, source="import")
    return len(records)


def read_table(path: Path, max_bytes: int = MAX_FILE_BYTES) -> tuple[list[str], list[tuple[int, list]]]:
    """(header, [(spreadsheet row number, cell values)]) of a CSV or XLSX file; blank rows are skipped.

    Raises ImportFileError for a file that is too large, not text or not a workbook, or holds formulas.
    """
    size = path.stat().st_size
    if size > max_bytes:
        raise _file_error(path, f"{size / 1e6:.1f} MB, larger than the {max_bytes / 1e6:g} MB an import reads "
                                "(portal_import.max_file_mb)")
    if path.suffix.lower() == ".xlsx":
        return _read_xlsx(path, max_bytes * XLSX_EXPANSION)
    text = _decode(path, path.read_bytes())
    sample = text[:4096]
    try:
        delimiter = csv.Sniffer().sniff(sample.splitlines()[0] if sample else "", delimiters=",;\t").delimiter
    except csv.Error:
        delimiter = ","
    # Only the separator is sniffed: the sniffer guesses "no doubled quotes" from a header without quotes, which
    # would misread every cell holding a quote as Excel writes it ("").
    reader = csv.reader(io.StringIO(text, newline=""), csv.excel, delimiter=delimiter)
    try:
        table = list(reader)
    except csv.Error as exc:  # a field over the csv module's limit (128 KiB), a broken quote
        raise ImportFileError(path, [RowError(reader.line_num, "(file)", f"not readable as CSV: {exc}")]) from None
    return _split(table)


def _file_error(path: Path, reason: str) -> ImportFileError:
    return ImportFileError(path, [RowError(0, "(file)", reason)])


def _read_xlsx(path: Path, max_unpacked: int) -> tuple[list[str], list[tuple[int, list]]]:
    from openpyxl import load_workbook

    with path.open("rb") as stream:  # openpyxl leaves its own file open when a workbook breaks mid-read
        try:
            with zipfile.ZipFile(stream) as archive:
                unpacked = sum(member.file_size for member in archive.infolist())
        except (zipfile.BadZipFile, ValueError) as exc:
            raise _file_error(path, f"not a readable XLSX workbook: {exc}") from None
        if unpacked > max_unpacked:
            raise _file_error(path, f"unpacks to {unpacked / 1e6:,.0f} MB, more than the {max_unpacked / 1e6:g} MB "
                                    "an import reads (10 times portal_import.max_file_mb)")
        try:
            workbook = load_workbook(stream, read_only=True, data_only=False)
            try:
                table = [list(row) for row in workbook.worksheets[0].iter_rows()]
            finally:
                workbook.close()
        except Exception as exc:  # noqa: BLE001 - openpyxl, zipfile and the XML parser raise many kinds
            raise _file_error(path, f"not a readable XLSX workbook: {exc}") from None
    header = [cell.value for cell in table[0]] if table else []
    formulas = [RowError(cell.row, _column_name(header, index), f"a formula ({str(cell.value)[:40]}): the import "
                                                                "reads values; paste the cells as values")
                for row in table for index, cell in enumerate(row) if cell.data_type == "f"]
    if formulas:
        raise ImportFileError(path, formulas)
    return _split([[cell.value for cell in row] for row in table])


def _column_name(header: list, index: int) -> str:
    name = header[index] if index < len(header) else None
    return str(name) if name not in (None, "") else f"column {index + 1}"


def _split(table: list[list]) -> tuple[list[str], list[tuple[int, list]]]:
    if not table:
        return [], []
    header = ["" if cell is None else str(cell) for cell in table[0]]
    rows = [(number, row) for number, row in enumerate(table[1:], start=2)
            if any(cell not in (None, "") and str(cell).strip() for cell in row)]
    return header, rows


def _decode(path: Path, data: bytes) -> str:
    """The text of a CSV file. A legacy 8-bit encoding (Windows-1258, Latin-1), UTF-16 without its byte-order
    mark or a binary file is refused, naming the line of the first byte at fault, rather than imported garbled."""
    try:
        if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            text = data.decode("utf-16")
        else:
            if (nul := data.find(b"\x00")) >= 0:  # decodes as UTF-8, but no text holds it
                raise _nul_error(path, data[:nul].count(b"\n") + 1)
            text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = exc.object[:exc.start].count(b"\n") + 1
        raise ImportFileError(path, [RowError(line, "(file)", f"not UTF-8 or UTF-16 text ({exc.reason} at byte "
                                                                f"{exc.start}); save it as CSV UTF-8")]) from None
    if (nul := text.find("\x00")) >= 0:
        raise _nul_error(path, text[:nul].count("\n") + 1)
    return text


def _nul_error(path: Path, line: int) -> ImportFileError:
    return ImportFileError(path, [RowError(line, "(file)", "holds a NUL character: a binary file, or UTF-16 without "
                                                           "its byte-order mark; save it as CSV UTF-8")])


def _normal(header: str) -> str:
    return unicodedata.normalize("NFC", header).strip().casefold()


def map_header(path: Path, header: list[str], columns: Mapping[str, str],
               required: tuple[str, ...]) -> list[str | None]:
    """The field of each column (None for a column that is not used); every ``required`` field must be there."""
    wanted = {_normal(name): field for name, field in columns.items()}
    fields = [wanted.get(_normal(name)) for name in header]
    by_field = {field: name for name, field in columns.items()}
    missing = [RowError(1, by_field.get(field, field), "column missing")
               for field in required if field not in fields]
    if missing:
        raise ImportFileError(path, missing)
    return fields


def _parse_row(number: int, cells: dict, header_of: dict[str, str], known_units: set[str],
               errors: list[RowError]) -> DossierStats | None:
    found = len(errors)
    values = {}
    for field in REQUIRED_FIELDS:
        try:
            values[field] = _convert(field, cells.get(field))
        except ValueError as exc:
            errors.append(RowError(number, header_of[field], str(exc)))
    if len(errors) > found:
        return None
    if values["unit_code"] not in known_units:
        errors.append(RowError(number, header_of["unit_code"], f"no unit or department {values['unit_code']!r}"))
        return None
    record = DossierStats(**values)
    try:
        check_dossier_stats(record)
    except PortalFormatError as exc:
        errors.append(RowError(number, "(row)", str(exc)))
        return None
    return record


def _convert(field: str, cell: object):
    if field == "day":
        return _day(cell)
    if field in ("unit_code", "sector_code"):
        text = "" if cell is None else str(cell).strip()
        if isinstance(cell, float) and cell.is_integer():
            text = str(int(cell))  # a spreadsheet turned a numeric code into a number
        if not text:
            raise ValueError("empty")
        if len(text) > (10 if field == "unit_code" else 20):
            raise ValueError(f"too long: {text!r}")
        return text
    if field == "handling_days":
        number = _number(cell)
        if not 0 <= number < math.inf:
            raise ValueError(f"not a number of days >= 0: {cell!r}")
        return number
    number = _number(cell)
    if number < 0 or not float(number).is_integer():
        raise ValueError(f"not a whole number >= 0: {cell!r}")
    return int(number)


def _number(cell: object) -> float:
    if isinstance(cell, bool):
        raise ValueError(f"not a number: {cell!r}")
    if isinstance(cell, int | float):
        return float(cell)
    text = "" if cell is None else str(cell).strip().replace(",", ".")
    if not text:
        raise ValueError("empty")
    try:
        return float(text)
    except ValueError:
        raise ValueError(f"not a number: {cell!r}") from None


def _day(cell: object) -> date:
    if isinstance(cell, datetime):
        return cell.date()
    if isinstance(cell, date):
        return cell
    text = "" if cell is None else str(cell).strip()
    for pattern in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, pattern).date()  # noqa: DTZ007 - a calendar day, no time of day
        except ValueError:
            pass
    raise ValueError(f"not a date (dd/mm/yyyy or yyyy-mm-dd): {cell!r}")
