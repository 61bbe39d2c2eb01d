"""Importing portal report exports: encodings, XLSX, all-or-nothing errors, and idempotence."""

from datetime import date, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import Workbook
from sqlalchemy import select

from ioc.cli import main
from ioc.config import DEFAULT_IMPORT_COLUMNS
from ioc.portal_import import PortalImportError, import_portal_file
from ioc.store import schema

HEADERS = list(DEFAULT_IMPORT_COLUMNS)
#   day, unit, sector, online, offline, early, on time, late, pending, overdue, days, fee, paid, digitised,
#   electronic, unsatisfied, complaints
ROWS = [
    ["03/11/2026", "689", "LV01", 2, 8, 5, 3, 1, 1, 0, "38,5", 4, 1, 6, 7, 0, 1],
    ["03/11/2026", "STP", "LV03", 10, 0, 6, 2, 0, 2, 0, "20", 10, 9, 10, 8, 1, 0],
    ["04/11/2026", "25195", "LV02", 0, 3, 3, 0, 0, 0, 0, "3.5", 0, 0, 1, 0, 0, 0],
]


def write_csv(path: Path, rows=ROWS, encoding="utf-8", separator=",") -> Path:
    lines = [separator.join(HEADERS)] + [separator.join(f'"{cell}"' if "," in str(cell) else str(cell)
                                                         for cell in row) for row in rows]
    path.write_text("\r\n".join(lines) + "\r\n", encoding=encoding)
    return path


def table(engine) -> list[tuple]:
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(select(schema.dossier_stats).order_by(
            schema.dossier_stats.c.day, schema.dossier_stats.c.unit_code))]


@pytest.mark.parametrize(("encoding", "separator"), [("utf-8", ","), ("utf-8-sig", ";"), ("utf-16", "\t")])
def test_a_csv_export_imports_in_each_encoding(sqlite_engine, settings, tmp_path, encoding, separator):
    path = write_csv(tmp_path / "bao-cao.csv", encoding=encoding, separator=separator)
    assert import_portal_file(sqlite_engine, path, settings.portal_import.columns) == 3
    rows = table(sqlite_engine)
    assert rows[0][:6] == (date(2026, 11, 3), "689", "LV01", 2, 8, 5)
    assert rows[0][10] == pytest.approx(38.5)  # handling days, with a Vietnamese decimal comma
    assert {row[-1] for row in rows} == {"import"}


def test_an_xlsx_export_with_date_cells_and_numeric_codes_imports(sqlite_engine, settings, tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADERS)
    for row in ROWS:
        day = datetime.strptime(row[0], "%d/%m/%Y")  # noqa: DTZ007 - a calendar day
        unit = int(row[1]) if row[1].isdigit() else row[1]
        sheet.append([day, unit, row[2], *row[3:10], float(str(row[10]).replace(",", ".")), *row[11:]])
    workbook.save(tmp_path / "bao-cao.xlsx")
    assert import_portal_file(sqlite_engine, tmp_path / "bao-cao.xlsx", settings.portal_import.columns) == 3
    assert [row[:3] for row in table(sqlite_engine)] == [
        (date(2026, 11, 3), "689", "LV01"), (date(2026, 11, 3), "STP", "LV03"), (date(2026, 11, 4), "25195", "LV02")]


def test_importing_the_same_file_twice_changes_nothing(engine, settings, tmp_path):
    path = write_csv(tmp_path / "bao-cao.csv")
    import_portal_file(engine, path, settings.portal_import.columns)
    once = table(engine)
    import_portal_file(engine, path, settings.portal_import.columns)
    assert table(engine) == once


def test_a_file_with_errors_names_row_column_and_reason_and_imports_nothing(sqlite_engine, settings, tmp_path):
    bad = [list(row) for row in ROWS]
    bad[1][4] = "mười"  # row 3 of the sheet: the header is row 1
    bad[2][1] = "99999"
    bad[2][0] = "31/02/2026"
    path = write_csv(tmp_path / "bao-cao.csv", rows=bad)
    with pytest.raises(PortalImportError) as raised:
        import_portal_file(sqlite_engine, path, settings.portal_import.columns)
    assert [str(error) for error in raised.value.errors] == [
        "row 3, column 'Tiếp nhận trực tiếp': not a number: 'mười'",
        "row 4, column 'Ngày': not a date (dd/mm/yyyy or yyyy-mm-dd): '31/02/2026'",
    ]
    assert "2 error(s), nothing imported" in str(raised.value)
    assert table(sqlite_engine) == []


def test_an_unknown_unit_and_counters_that_do_not_add_up_are_errors(sqlite_engine, settings, tmp_path):
    bad = [list(row) for row in ROWS]
    bad[0][5] = 6
    bad[2][1] = "99999"
    path = write_csv(tmp_path / "bao-cao.csv", rows=bad)
    with pytest.raises(PortalImportError) as raised:
        import_portal_file(sqlite_engine, path, settings.portal_import.columns)
    assert [str(error) for error in raised.value.errors] == [
        "row 2, column '(row)': counters do not add up: 10 received but 11 finished or pending",
        "row 4, column 'Mã đơn vị': no unit or department '99999'",
    ]


def test_a_missing_column_is_named(sqlite_engine, settings, tmp_path):
    path = tmp_path / "bao-cao.csv"
    path.write_text("Ngày,Mã đơn vị\n03/11/2026,689\n", encoding="utf-8")
    with pytest.raises(PortalImportError, match="row 1, column 'Mã lĩnh vực': column missing"):
        import_portal_file(sqlite_engine, path, settings.portal_import.columns)


def test_a_file_in_another_encoding_is_refused(sqlite_engine, settings, tmp_path):
    path = tmp_path / "bao-cao.csv"
    path.write_bytes("Ngày,Mã\n".encode("latin-1"))  # a legacy 8-bit export
    with pytest.raises(PortalImportError, match="not UTF-8 or UTF-16 text"):
        import_portal_file(sqlite_engine, path, settings.portal_import.columns)


def test_the_command_imports_and_reports_errors(settings, tmp_path):
    config = str(settings.base_dir / "config.yaml")
    good = write_csv(tmp_path / "good.csv")
    result = CliRunner().invoke(main, ["-c", config, "import", "portal", str(good)])
    assert result.exit_code == 0, result.output
    assert "3 rows imported" in result.output
    bad = write_csv(tmp_path / "bad.csv", rows=[["x", *ROWS[0][1:]]])
    result = CliRunner().invoke(main, ["-c", config, "import", "portal", str(bad)])
    assert result.exit_code == 1
    assert "row 2, column 'Ngày': not a date" in result.output
