"""The explorer over real HTTP: its callbacks and exports need their permissions, and an export holds the
figures the page shows, raw and formatted, with no cell a spreadsheet would run as a formula."""

import csv
import io
from datetime import date

import openpyxl
import pytest
import requests

from ioc.auth import kiosk
from ioc.auth.permissions import ANALYSE
from ioc.indicators.explorer import Known, explore, parse_state
from ioc.records import Sector
from ioc.store.portal_writer import store_catalogue
from ioc.tables import csv_bytes, neutralised
from ioc.timeutil import local_day, utcnow
from tests.analytics.helpers import MARCH, PROCEDURES, chart_callback, store_history, summary_callback
from tests.auth import conftest as auth_fixtures
from tests.auth.conftest import TIMEOUT, as_kiosk, csrf_headers, page_callback, sign_in

accounts, settings, site = auth_fixtures.accounts, auth_fixtures.settings, auth_fixtures.site
QUERY = "period=custom&from=2026-03-01&to=2026-03-31"


@pytest.fixture
def history(site):
    store_history(site.engine)
    return site


def post(site, browser: requests.Session, body: dict) -> requests.Response:
    return browser.post(site.url + "/_dash-update-component", json=body, timeout=TIMEOUT,
                        headers={**csrf_headers(browser), "Origin": site.url})


def screen(site, **query):
    """What the page shows for ``query``, computed the way the page computes it."""
    with site.engine.connect() as connection:
        state = parse_state({**MARCH, **query}, Known.read(connection))
        return explore(connection, site.settings, state, local_day(utcnow()), "vi")


def test_every_explorer_callback_declares_the_analyse_permission(site):
    declared = [entry["callback"] for entry in site.app.callback_map.values() if "callback" in entry
                and entry["callback"].__module__ == "layouts.analytics"]
    assert sorted(callback.__name__ for callback in declared) == [
        "channel_applies", "chart", "communes", "dates", "pick_district", "sort", "summary", "write_url"]
    assert {getattr(callback, "ioc_permission", None) for callback in declared} == {ANALYSE}


def test_an_analyst_gets_the_page_and_its_figures_and_nobody_below_does(history, accounts):
    analyst = sign_in(history.url, "analyst", accounts["analyst"])
    assert post(history, analyst, page_callback("/analytics")).status_code == 200
    response = post(history, analyst, chart_callback(unit="689"))
    assert response.status_code == 200, response.text
    figure = response.json()["response"]["{\"name\":\"chart\",\"type\":\"analytics-part\"}"]["figure"]
    assert figure["data"][0]["y"][1] == 85.0 and figure["data"][0]["text"][1] == "85,0%"
    summary = post(history, analyst, summary_callback())
    assert summary.status_code == 200 and "Bình Long" in summary.text and "87,9%" in summary.text
    visitors = {
        "viewer": (sign_in(history.url, "viewer", accounts["viewer"]), 403),
        "anonymous": (requests.Session(), 401),
        "kiosk": (as_kiosk(history.url, kiosk.create(history.engine, "hall-wall", "test")), 403),
    }
    for name, (browser, status) in visitors.items():
        assert post(history, browser, chart_callback()).status_code == status, name
        assert post(history, browser, summary_callback()).status_code == status, name
        assert post(history, browser, page_callback("/analytics")).status_code == status, name
        assert browser.get(history.url + "/analytics", timeout=TIMEOUT).status_code == status, name


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_viewer_a_kiosk_and_an_anonymous_visitor_cannot_export(history, accounts, kind):
    url = f"{history.url}/analytics/export.{kind}?{QUERY}"
    assert requests.get(url, timeout=TIMEOUT).status_code == 401
    viewer = sign_in(history.url, "viewer", accounts["viewer"])
    refused = viewer.get(url, timeout=TIMEOUT)
    assert refused.status_code == 403 and refused.json() == {"error": "not allowed"}
    display = as_kiosk(history.url, kiosk.create(history.engine, "hall-wall", "test"))
    assert display.get(url, timeout=TIMEOUT).status_code == 403


def test_the_csv_export_holds_the_screens_table_raw_and_as_shown(history, accounts):
    analyst = sign_in(history.url, "analyst", accounts["analyst"])
    response = analyst.get(f"{history.url}/analytics/export.csv?{QUERY}&sort=gap&order=desc", timeout=TIMEOUT)
    assert response.status_code == 200 and response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="ioc-chi-so-')
    assert response.content.startswith("\ufeff".encode())
    header, *rows, total = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert header[:5] == ["Hạng", "Mã đơn vị", "Đơn vị", "Giá trị", "Giá trị (hiển thị)"]
    shown = screen(history, sort="gap", order="desc")
    assert [row[1] for row in rows] == [row.unit_code for row in shown.rows]
    assert rows[0][:9] == ["1", "690", "Bình Long", "100.0", "100,0%", "95.0", "95,0%", "5.0", "▲ 5,0"]
    assert rows[1][3:5] == ["85.0", "85,0%"] and rows[1][9:13] == ["80.0", "80,0%", "5.0", "▲ 5,0"]
    assert rows[2][3:5] == ["", "—"]  # no data: an empty raw cell, the dash as shown
    assert total[2] == "Tổng số hồ sơ tiếp nhận" and total[-2:] == ["30", "30"]
    assert sum(int(row[-2]) for row in rows if row[-2]) == 30


def test_the_xlsx_export_holds_numbers_as_numbers_with_its_series_and_filters(history, accounts):
    with history.engine.begin() as connection:  # a sector name from the portal that a spreadsheet would run
        store_catalogue(connection, [Sector("LV09", '=HYPERLINK("http://x.example","bấm")', None)], PROCEDURES[:0])
    analyst = sign_in(history.url, "analyst", accounts["analyst"])
    response = analyst.get(f"{history.url}/analytics/export.xlsx?{QUERY}&unit=689", timeout=TIMEOUT)
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Xếp hạng", "Chuỗi thời gian", "Bộ lọc"]
    ranking = list(book["Xếp hạng"].values)
    assert ranking[1][:5] == (1, "25195", "Tân Phú", pytest.approx(200 / 3), "66,7%")
    series = list(book["Chuỗi thời gian"].values)
    assert len(series) == 32 and series[2] == ("2026-03-02", "2026-03-02", 85.0, "85,0%")
    filters = dict(list(book["Bộ lọc"].values)[1:])
    assert filters["Kỳ"] == "01/03/2026 – 31/03/2026" and filters["Đơn vị"] == "Đồng Xoài"
    assert filters["Đường dẫn"] == "/analytics?period=custom&from=2026-03-01&to=2026-03-31&unit=689"
    sector = analyst.get(f"{history.url}/analytics/export.xlsx?{QUERY}&sector=LV09", timeout=TIMEOUT)
    named = dict(list(openpyxl.load_workbook(io.BytesIO(sector.content))["Bộ lọc"].values)[1:])
    assert named["Lĩnh vực"] == "'=HYPERLINK(\"http://x.example\",\"bấm\")"


def test_an_export_is_in_the_audit_trail(history, accounts):
    from tests.auth.conftest import dump

    analyst = sign_in(history.url, "analyst", accounts["analyst"])
    assert analyst.get(f"{history.url}/analytics/export.csv?{QUERY}", timeout=TIMEOUT).status_code == 200
    events = [row for row in dump(history.engine)["audit_events"] if row[2] == "exported"]
    assert [(row[3], row[4], row[6]) for row in events] == [("analyst", "analytics.csv", "?" + QUERY)]


def test_text_cells_that_a_spreadsheet_would_run_are_neutralised_and_numbers_are_not():
    assert [neutralised(cell) for cell in ("=1+2", "+1", "-1", "@SUM(A1)", "\t=1", "Đồng Xoài", "▼ 3,5", -3.5,
                                            None)] == ["'=1+2", "'+1", "'-1", "'@SUM(A1)", "'\t=1", "Đồng Xoài",
                                                       "▼ 3,5", -3.5, None]
    assert csv_bytes([["=cmd", -2, None]]) == "\ufeff'=cmd,-2,\r\n".encode()


def test_march_is_compared_with_february(history):
    assert screen(history).previous_period.first == date(2026, 2, 1)


def test_the_small_callbacks_cascade_the_communes_fill_the_dates_and_sort(history, accounts):
    from tests.analytics.helpers import (
        channel_callback,
        communes_callback,
        dates_callback,
        map_click_callback,
        sort_callback,
        url_callback,
    )

    analyst = sign_in(history.url, "analyst", accounts["analyst"])

    def answer(body):
        response = post(history, analyst, body)
        assert response.status_code == 200, response.text
        return list(response.json()["response"].values())

    options, = answer(communes_callback("689", "25195"))[:1]
    assert len(options["options"]) == 8 and options["disabled"] is False and options["value"] == "25195"
    assert answer(communes_callback("690", "25195"))[0]["value"] is None  # not a commune of Bình Long
    assert answer(communes_callback("STP"))[0] == {"options": [], "disabled": True, "value": None}
    today = local_day(utcnow())
    assert answer(dates_callback("this_month"))[0] == {"start_date": today.replace(day=1).isoformat(),
                                                       "end_date": today.isoformat(), "disabled": True}
    assert answer(channel_callback("dossiers_received"))[0] == {"disabled": False}
    assert answer(map_click_callback("689"))[0] == {"value": "689"}
    assert answer(sort_callback("gap"))[0] == {"data": {"by": "gap", "descending": False}}
    assert answer(sort_callback("gap", {"by": "gap", "descending": False}))[0] == {
        "data": {"by": "gap", "descending": True}}
    search, exports = answer(url_callback(unit="689"))
    assert search == {"search": "?period=custom&from=2026-03-01&to=2026-03-31&unit=689"}
    assert "/analytics/export.xlsx?period=custom" in str(exports)
    viewer = sign_in(history.url, "viewer", accounts["viewer"])
    for body in (communes_callback("689"), dates_callback("this_month"), channel_callback("dossiers_received"),
                 map_click_callback("689"), sort_callback("gap"), url_callback()):
        assert post(history, viewer, body).status_code == 403
