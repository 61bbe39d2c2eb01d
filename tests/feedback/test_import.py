"""`ioc import feedback FILE`: CSV and XLSX exports, the portal import's error and idempotency rules."""

import csv
import io
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from openpyxl import Workbook

from ioc.cli import main
from ioc.config import DEFAULT_FEEDBACK_IMPORT_COLUMNS
from ioc.feedback.importer import FeedbackImportError, import_feedback_file
from tests.feedback.conftest import reports

HEADERS = list(DEFAULT_FEEDBACK_IMPORT_COLUMNS)
ROWS = [
    ["ZL-001", "zalo", "environment", "Rác thải ùn ứ", "Rác ở chợ Tân Phú chưa được thu gom 3 ngày.",
     "01/12/2026 08:15", "", "106.8472", "11.5197", "Trần Thị Bình", "0987 654 321", ""],
    ["EM-17", "email", "land", "Hỏi về cấp sổ đỏ", "Hồ sơ nộp từ tháng 9 chưa có kết quả.",
     "01/12/2026 18:40", "690", "", "", "", "", "le.c@example.vn"],
]


def write_csv(path: Path, rows=ROWS, encoding="utf-8") -> Path:
    lines = [",".join(HEADERS)] + [",".join(str(cell) for cell in row) for row in rows]
    path.write_text("\r\n".join(lines) + "\r\n", encoding=encoding)
    return path


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16"])
def test_a_csv_export_imports_in_each_encoding_and_twice_changes_nothing(sqlite_engine, settings, tmp_path,
                                                                          encoding):
    path = write_csv(tmp_path / "zalo.csv", encoding=encoding)
    assert import_feedback_file(sqlite_engine, settings, path, "import:test") == (2, 0)
    once = reports(sqlite_engine)
    assert [(r["channel"], r["unit_code"], r["status"]) for r in once] == [("zalo", "689", "received"),
                                                                          ("email", "690", "received")]
    assert once[0]["received_at"] == datetime(2026, 12, 1, 1, 15, tzinfo=UTC)  # 08:15 in Vietnam
    # received after office hours on Tuesday: counts from Wednesday, 15 working days for land
    assert once[1]["due_at"] == datetime(2026, 12, 23, 10, 0, tzinfo=UTC)
    assert import_feedback_file(sqlite_engine, settings, path, "import:test") == (0, 2)
    assert reports(sqlite_engine) == once


def test_an_xlsx_export_with_date_cells_imports(engine, settings, tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADERS)
    sheet.append([*ROWS[0][:5], datetime(2026, 12, 1, 8, 15), "", 106.8472, 11.5197, *ROWS[0][9:]])  # noqa: DTZ001
    workbook.save(tmp_path / "app.xlsx")
    assert import_feedback_file(engine, settings, tmp_path / "app.xlsx", "import:test") == (1, 0)
    assert reports(engine)[0]["received_at"] == datetime(2026, 12, 1, 1, 15, tzinfo=UTC)


def test_a_file_with_errors_names_row_column_and_reason_and_imports_nothing(sqlite_engine, settings, tmp_path):
    bad = [list(row) for row in ROWS]
    bad[0][1] = "fax"
    bad[0][2] = "ufo"
    bad[1][5] = "hôm qua"
    bad[1][3] = ""
    with pytest.raises(FeedbackImportError) as raised:
        import_feedback_file(sqlite_engine, settings, write_csv(tmp_path / "x.csv", rows=bad), "import:test")
    assert [str(error) for error in raised.value.errors] == [
        "row 2, column 'Kênh': unknown channel 'fax'; known: app, hotline, web, zalo, email",
        "row 2, column 'Lĩnh vực': unknown category 'ufo'",
        "row 3, column 'Tiêu đề': empty",
        "row 3, column 'Thời điểm tiếp nhận': not a time (dd/mm/yyyy hh:mm): 'hôm qua'",
    ]
    assert reports(sqlite_engine) == []


def test_the_command_imports_and_reports_errors(settings, tmp_path):
    config = str(settings.base_dir / "config.yaml")
    result = CliRunner().invoke(main, ["-c", config, "import", "feedback", str(write_csv(tmp_path / "ok.csv"))])
    assert result.exit_code == 0, result.output
    assert "2 reports imported, 0 already there" in result.output
    path = tmp_path / "missing.csv"
    path.write_text("Kênh,Tiêu đề\nzalo,x\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["-c", config, "import", "feedback", str(path)])
    assert result.exit_code == 1 and "row 1, column 'Mã phản ánh': column missing" in result.output


TEXT = st.characters(exclude_characters="\x00", exclude_categories=["Cs"])
"""Any character a UTF-8 CSV can hold."""


@hypothesis_settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cells=st.lists(st.one_of(st.text(TEXT, max_size=30), st.integers().map(str), st.floats().map(str),
                                st.just("")),
                      min_size=len(HEADERS), max_size=len(HEADERS)))
def test_any_cells_give_row_errors_or_a_report_never_a_crash(sqlite_engine, settings, tmp_path, cells):
    out = io.StringIO()
    csv.writer(out).writerows([HEADERS, cells])
    path = tmp_path / "random.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    try:
        new, known = import_feedback_file(sqlite_engine, settings, path, "import:test")
    except FeedbackImportError as exc:
        assert exc.errors and all(error.row in (0, 1, 2) for error in exc.errors)
    else:
        assert new + known <= 1
