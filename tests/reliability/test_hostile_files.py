"""Hostile report files for `ioc import portal FILE` and `ioc import feedback FILE`: wrong encodings, files that
are not CSV or XLSX, corrupt zips, a zip bomb, an XML entity bomb, a 100 MB file and formula-looking cells.

Each is refused with an error naming the row, the column and the reason, quickly and without reading a huge
file into memory; nothing of a refused file is stored, and a good file imported right after is stored whole.
Text that only looks like a formula is a citizen's words: it is imported as given, and the feedback export
(downloaded over real HTTP) neutralises it.
"""

import csv
import io
import time
import tracemalloc
import unicodedata
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import Workbook
from sqlalchemy import func, select

from ioc.cli import main
from ioc.config import DEFAULT_FEEDBACK_IMPORT_COLUMNS, DEFAULT_IMPORT_COLUMNS
from ioc.feedback.importer import FeedbackImportError, import_feedback_file
from ioc.portal_import import ImportFileError, PortalImportError, import_portal_file
from ioc.store import schema
from tests.auth import conftest as auth_fixtures
from tests.auth.conftest import TIMEOUT, sign_in
from tests.reliability.figures import record

accounts, settings, site = auth_fixtures.accounts, auth_fixtures.settings, auth_fixtures.site

PORTAL_HEADER = list(DEFAULT_IMPORT_COLUMNS)
PORTAL_ROWS = [
    ["03/11/2026", "689", "LV01", 2, 8, 5, 3, 1, 1, 0, "38,5", 4, 1, 6, 7, 0, 1],
    ["04/11/2026", "25195", "LV02", 0, 3, 3, 0, 0, 0, 0, "3,5", 0, 0, 1, 0, 0, 0],
]
FEEDBACK_HEADER = list(DEFAULT_FEEDBACK_IMPORT_COLUMNS)
FEEDBACK_ROWS = [
    ["ZL-001", "zalo", "environment", "Rác thải ùn ứ", "Rác ở chợ Tân Phú chưa được thu gom.", "01/12/2026 08:15",
     "689", "", "", "Trần Thị Bình", "0987 654 321", ""],
    ["EM-17", "email", "land", "Hỏi về cấp sổ đỏ", "Hồ sơ nộp từ tháng 9 chưa có kết quả.", "01/12/2026 18:40",
     "690", "", "", "", "", "le.c@example.vn"],
]
TABLES = {"portal": (PORTAL_HEADER, PORTAL_ROWS, schema.dossier_stats),
          "feedback": (FEEDBACK_HEADER, FEEDBACK_ROWS, schema.feedback)}
FORMULA_TEXT = ['=HYPERLINK("http://evil.example","bấm vào đây")', "+84 912 345 678 =1+1", "-2+3", "@SUM(A1:A9)",
                "\t=1+1", "\r=1+1"]
"""Cells a spreadsheet would run as a formula (OWASP's CSV injection list), as citizens might type them."""

outcomes: list[tuple[str, str, float]] = []
"""(case, kind, seconds) of every refused file, for the figures."""


@pytest.fixture(scope="module", autouse=True)
def figures():
    """Once the module's tests ran: how many hostile files were refused, each with nothing stored."""
    yield
    if outcomes:
        record("hostile_import_files", files=len(outcomes), refused=len(outcomes), imported_rows_from_bad_files=0,
               slowest_refusal_s=round(max(seconds for _case, _kind, seconds in outcomes), 3))


def csv_text(rows: list[list]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue()


def good_csv(kind: str) -> str:
    header, rows, _table = TABLES[kind]
    return csv_text([header, *rows])


def xlsx_bytes(rows: list[list]) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def with_sheet(workbook: bytes, write_sheet) -> bytes:
    """``workbook`` with its first sheet's XML replaced by what ``write_sheet(stream)`` writes."""
    source = zipfile.ZipFile(io.BytesIO(workbook))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for item in source.infolist():
            if item.filename == "xl/worksheets/sheet1.xml":
                with target.open(item.filename, "w", force_zip64=True) as stream:
                    write_sheet(stream)
            else:
                target.writestr(item, source.read(item.filename))
    return out.getvalue()


def stored(engine, kind: str) -> int:
    with engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(TABLES[kind][2])).scalar_one()


def run_import(kind: str, engine, settings, path: Path):
    if kind == "portal":
        return import_portal_file(engine, path, settings.portal_import.columns,
                                  max_bytes=settings.portal_import.max_file_bytes)
    return import_feedback_file(engine, settings, path, "import:test")


def refused(kind: str, engine, settings, path: Path, case: str) -> list[str]:
    """The errors of importing ``path``, which must be refused with nothing stored."""
    error = PortalImportError if kind == "portal" else FeedbackImportError
    started = time.monotonic()
    with pytest.raises(error, match="nothing imported") as raised:
        run_import(kind, engine, settings, path)
    outcomes.append((case, kind, time.monotonic() - started))
    assert stored(engine, kind) == 0
    return [str(item) for item in raised.value.errors]


def imports_after(kind: str, engine, settings, tmp_path: Path) -> None:
    """A good file right after a refused one is stored whole: the refusal left nothing half done."""
    path = tmp_path / f"good-{kind}.csv"
    path.write_text(good_csv(kind), encoding="utf-8")
    run_import(kind, engine, settings, path)
    assert stored(engine, kind) == len(TABLES[kind][1])


def _cp1258(kind: str) -> bytes:
    """The file as Windows-1258 writes Vietnamese: a letter with its shape mark (â, ơ, đ) as one byte, and the
    tone mark after it as a combining byte."""
    out = bytearray()
    for letter in good_csv(kind):
        base, *marks = unicodedata.normalize("NFD", letter)
        shaped = next((mark for mark in marks if _fits(unicodedata.normalize("NFC", base + mark))), None)
        if shaped is not None:
            base = unicodedata.normalize("NFC", base + shaped)
            marks.remove(shaped)
        out += (base + "".join(marks)).encode("cp1258")
    return bytes(out)


def _fits(text: str) -> bool:
    try:
        text.encode("cp1258")
    except UnicodeEncodeError:
        return False
    return True


def _latin1_cell(kind: str) -> bytes:
    """UTF-8 throughout but for one cell of row 3 typed in Latin-1 (é as the single byte E9)."""
    lines = good_csv(kind).encode("utf-8").split(b"\r\n")
    lines[2] = lines[2].replace(b"LV02", b"LV\xe9") if kind == "portal" else lines[2].replace(b"EM-17", b"EM-\xe917")
    return b"\r\n".join(lines)


def _invalid_utf8(kind: str) -> bytes:
    lines = good_csv(kind).encode("utf-8").split(b"\r\n")
    lines[1] = lines[1] + b"\xff\xfe\xc3"
    return b"\r\n".join(lines)


ENCODINGS = [
    pytest.param(_cp1258, "row 1, column '(file)': not UTF-8 or UTF-16 text (invalid continuation byte at byte",
                 id="windows-1258"),
    pytest.param(_latin1_cell, "row 3, column '(file)': not UTF-8 or UTF-16 text (invalid continuation byte",
                 id="latin-1 cell"),
    pytest.param(_invalid_utf8, "row 2, column '(file)': not UTF-8 or UTF-16 text (invalid start byte", id="bad bytes"),
    pytest.param(lambda kind: good_csv(kind).encode("utf-16-le"),
                 "row 1, column '(file)': holds a NUL character: a binary file, or UTF-16 without its byte-order mark",
                 id="utf-16 without BOM"),
    pytest.param(lambda kind: good_csv(kind).encode("utf-32"),
                 "row 1, column '(file)': holds a NUL character", id="utf-32"),
    pytest.param(lambda kind: b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8,
                 "row 3, column '(file)': holds a NUL character", id="png as csv"),
    pytest.param(lambda kind: xlsx_bytes([TABLES[kind][0]]), "row 1, column '(file)': holds a NUL character",
                 id="xlsx as csv"),
    pytest.param(lambda kind: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500),
                 "row 1, column '(file)': holds a NUL character", id="xls as csv"),
    pytest.param(lambda kind: (good_csv(kind) + '"' + "x" * 200_000 + '"\r\n').encode(),
                 "row 4, column '(file)': not readable as CSV: field larger than field limit", id="200 kB cell"),
]


@pytest.mark.parametrize("kind", ["portal", "feedback"])
@pytest.mark.parametrize(("content", "message"), ENCODINGS)
def test_a_csv_in_a_wrong_encoding_or_not_text_is_refused_naming_the_row(sqlite_engine, settings, tmp_path, kind,
                                                                         content, message, request):
    path = tmp_path / "bao-cao.csv"
    path.write_bytes(content(kind))
    [error] = refused(kind, sqlite_engine, settings, path, request.node.callspec.id)
    assert error.startswith(message)
    imports_after(kind, sqlite_engine, settings, tmp_path)


@pytest.mark.parametrize("kind", ["portal", "feedback"])
@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16"])
def test_a_csv_with_a_byte_order_mark_imports_whole(sqlite_engine, settings, tmp_path, kind, encoding):
    path = tmp_path / "bao-cao.csv"
    path.write_bytes(good_csv(kind).encode(encoding))
    run_import(kind, sqlite_engine, settings, path)
    assert stored(sqlite_engine, kind) == len(TABLES[kind][1])


def _truncated(kind: str) -> bytes:
    whole = xlsx_bytes([TABLES[kind][0], *TABLES[kind][1]])
    return whole[:len(whole) // 2]


def _damaged_sheet(kind: str) -> bytes:
    """A zip whose sheet's compressed bytes are overwritten: its directory reads, its sheet does not."""
    whole = bytearray(xlsx_bytes([TABLES[kind][0], *TABLES[kind][1]]))
    archive = zipfile.ZipFile(io.BytesIO(bytes(whole)))
    sheet = archive.getinfo("xl/worksheets/sheet1.xml")
    start = sheet.header_offset + 30 + len(sheet.filename.encode()) + len(sheet.extra)
    whole[start:start + sheet.compress_size] = b"\x00\xff" * (sheet.compress_size // 2) + b"\x00" * (
        sheet.compress_size % 2)
    return bytes(whole)


def _entity_bomb(kind: str) -> bytes:
    """A sheet whose one cell is a billion laughs: ten levels of ten entities each (3 GB of text)."""
    entities = "".join(f'<!ENTITY l{level} "{f"&l{level - 1};" * 10}">' for level in range(1, 10))
    sheet = (f'<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY l0 "lol">{entities}]>'
             '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
             '<row r="1"><c r="A1" t="inlineStr"><is><t>&l9;</t></is></c></row></sheetData></worksheet>')
    return with_sheet(xlsx_bytes([["x"]]), lambda stream: stream.write(sheet.encode()))


BROKEN_WORKBOOKS = [
    pytest.param(lambda kind: b"%PDF-1.7\n" + b"0" * 4000, "not a readable XLSX workbook: File is not a zip file",
                 id="pdf as xlsx"),
    pytest.param(lambda kind: good_csv(kind).encode(), "not a readable XLSX workbook: File is not a zip file",
                 id="csv as xlsx"),
    pytest.param(_truncated, "not a readable XLSX workbook: File is not a zip file", id="truncated zip"),
    pytest.param(_damaged_sheet, "not a readable XLSX workbook: ", id="damaged sheet"),
    pytest.param(lambda kind: b"", "not a readable XLSX workbook: File is not a zip file", id="empty"),
    pytest.param(_entity_bomb, "not a readable XLSX workbook: ", id="entity bomb"),
]


@pytest.mark.parametrize("kind", ["portal", "feedback"])
@pytest.mark.parametrize(("content", "message"), BROKEN_WORKBOOKS)
def test_a_file_that_is_not_a_readable_workbook_is_refused(sqlite_engine, settings, tmp_path, kind, content, message,
                                                            request):
    path = tmp_path / "bao-cao.xlsx"
    path.write_bytes(content(kind))
    [error] = refused(kind, sqlite_engine, settings, path, request.node.callspec.id)
    assert error.startswith(f"row 0, column '(file)': {message}")
    imports_after(kind, sqlite_engine, settings, tmp_path)


def measured(call) -> tuple[float, int]:
    """(seconds, peak bytes allocated by Python) of ``call()``, which must raise ImportFileError."""
    tracemalloc.start()
    started = time.monotonic()
    try:
        with pytest.raises(ImportFileError):
            call()
        return time.monotonic() - started, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("kind", ["portal", "feedback"])
def test_a_100_mb_file_is_refused_at_once_without_being_read(sqlite_engine, settings, tmp_path, kind):
    path = tmp_path / "bao-cao.csv"
    header, rows, _table = TABLES[kind]
    body = csv_text(rows * 2000).encode()
    with path.open("wb") as out:
        out.write(csv_text([header]).encode())
        while out.tell() < 100_000_000:
            out.write(body)
    seconds, peak = measured(lambda: run_import(kind, sqlite_engine, settings, path))
    errors = refused(kind, sqlite_engine, settings, path, "100 MB")
    assert errors == [f"row 0, column '(file)': {path.stat().st_size / 1e6:.1f} MB, larger than the 50 MB an import "
                      "reads (portal_import.max_file_mb)"]
    assert seconds < 1 and peak < 1_000_000, (seconds, peak)
    record(f"hostile_import_100mb_{kind}", file_mb=round(path.stat().st_size / 1e6), refused_in_s=round(seconds, 3),
           peak_python_memory_kb=peak // 1000)
    imports_after(kind, sqlite_engine, settings, tmp_path)


@pytest.mark.parametrize("kind", ["portal", "feedback"])
def test_an_xlsx_zip_bomb_is_refused_before_it_is_opened(sqlite_engine, settings, tmp_path, kind):
    row = b'<row><c t="inlineStr"><is><t>00</t></is></c></row>' * 20_000  # 1 MB of rows

    def six_hundred_mb_of_rows(stream):
        stream.write(b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
        for _megabyte in range(600):
            stream.write(row)
        stream.write(b"</sheetData></worksheet>")

    path = tmp_path / "bao-cao.xlsx"
    path.write_bytes(with_sheet(xlsx_bytes([TABLES[kind][0]]), six_hundred_mb_of_rows))
    assert path.stat().st_size < 2_000_000
    seconds, peak = measured(lambda: run_import(kind, sqlite_engine, settings, path))
    [error] = refused(kind, sqlite_engine, settings, path, "zip bomb")
    assert error == ("row 0, column '(file)': unpacks to 600 MB, more than the 500 MB an import reads "
                     "(10 times portal_import.max_file_mb)")
    assert seconds < 1 and peak < 1_000_000, (seconds, peak)
    record(f"hostile_import_zip_bomb_{kind}", file_mb=round(path.stat().st_size / 1e6, 1), unpacks_to_mb=600,
           refused_in_s=round(seconds, 3), peak_python_memory_kb=peak // 1000)
    imports_after(kind, sqlite_engine, settings, tmp_path)


def test_the_size_limit_is_a_setting_the_command_obeys(settings, tmp_path):
    from tests.conftest import write_config

    folder = tmp_path / "small"
    folder.mkdir()
    config = write_config(folder, portal_import={"max_file_mb": 1})
    path = tmp_path / "bao-cao.csv"
    path.write_text(csv_text([FEEDBACK_HEADER, *FEEDBACK_ROWS * 8000]), encoding="utf-8")
    result = CliRunner().invoke(main, ["-c", str(config), "import", "feedback", str(path)])
    assert result.exit_code == 1
    assert "MB, larger than the 1 MB an import reads (portal_import.max_file_mb)" in result.output
    assert "nothing imported" in result.output


@pytest.mark.parametrize("kind", ["portal", "feedback"])
def test_an_xlsx_cell_holding_a_formula_is_refused_naming_row_and_column(sqlite_engine, settings, tmp_path, kind):
    header, rows, _table = TABLES[kind]
    hostile = [list(row) for row in rows]
    column = 3  # portal: Tiếp nhận trực tuyến; feedback: Tiêu đề
    hostile[1][column] = '=HYPERLINK("http://evil.example","bấm")'
    hostile[0][column + 1] = "=1+1" if kind == "feedback" else "=D2*2"
    path = tmp_path / "bao-cao.xlsx"
    path.write_bytes(xlsx_bytes([header, *hostile]))
    errors = refused(kind, sqlite_engine, settings, path, "xlsx formulas")
    formula = "the import reads values; paste the cells as values"
    assert errors == [
        f"row 2, column {header[column + 1]!r}: a formula ({hostile[0][column + 1]}): {formula}",
        f"row 3, column {header[column]!r}: a formula (=HYPERLINK(\"http://evil.example\",\"bấm\")): {formula}",
    ]
    imports_after(kind, sqlite_engine, settings, tmp_path)


def test_formula_looking_numbers_in_a_portal_report_are_refused_naming_the_cell(sqlite_engine, settings, tmp_path):
    rows = [list(row) for row in PORTAL_ROWS]
    rows[0][4], rows[1][1], rows[1][5] = "=5+3", '=HYPERLINK("http://x")', "@8"
    path = tmp_path / "bao-cao.csv"
    path.write_text(csv_text([PORTAL_HEADER, *rows]), encoding="utf-8")
    assert refused("portal", sqlite_engine, settings, path, "formula numbers") == [
        "row 2, column 'Tiếp nhận trực tiếp': not a number: '=5+3'",
        "row 3, column 'Mã đơn vị': too long: '=HYPERLINK(\"http://x\")'",
        "row 3, column 'Giải quyết trước hạn': not a number: '@8'",
    ]


def test_formula_looking_text_is_imported_as_given_and_neutralised_in_the_export(site, accounts, tmp_path):
    rows = [[f"X-{n}", "email", "roads", text, f"Nội dung {text}", "01/12/2026 08:15", "689", "", "",
             FORMULA_TEXT[(n + 1) % len(FORMULA_TEXT)], "", ""] for n, text in enumerate(FORMULA_TEXT)]
    path = tmp_path / "phan-anh.csv"
    path.write_text(csv_text([FEEDBACK_HEADER, *rows]), encoding="utf-8")
    assert import_feedback_file(site.engine, site.settings, path, "import:test") == (len(rows), 0)
    with site.engine.connect() as connection:
        titles = dict(connection.execute(select(schema.feedback.c.channel_ref, schema.feedback.c.title)).all())
    assert titles == {row[0]: row[3].strip() for row in rows}  # stored as typed (cells are trimmed, as ever)

    operator = sign_in(site.url, "operator", accounts["operator"])
    response = operator.get(site.url + "/feedback/export.csv", timeout=TIMEOUT)
    assert response.status_code == 200
    exported = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(exported) == len(rows)
    for line in exported:
        for column in ("title", "reporter_name"):
            assert line[column].startswith("'"), (column, line[column])
            assert line[column][1:] in {text.strip() for text in FORMULA_TEXT}


