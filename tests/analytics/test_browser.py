"""The explorer in a real browser: filters change the chart and the URL, a shared URL restores them, a click
on the map chooses a district, and an export downloaded from the page holds the numbers on the screen."""

import csv
import io
from pathlib import Path

import openpyxl
import pytest
from playwright.sync_api import expect

from tests.analytics.helpers import store_history
from tests.auth import conftest as auth_fixtures
from tests.auth.test_browser import WAIT_MS, sign_in_with_the_form

pytestmark = pytest.mark.browser
accounts, settings, site = auth_fixtures.accounts, auth_fixtures.settings, auth_fixtures.site
MARCH = "/analytics?period=custom&from=2026-03-01&to=2026-03-31"
CHART_Y = "() => document.querySelector('.ioc-analytics-chart .js-plotly-plot').data[0].y"
TABLE = "rows => rows.map(row => [...row.cells].map(cell => cell.innerText.trim()))"


@pytest.fixture
def analyst_page(site, accounts, page):
    store_history(site.engine)
    sign_in_with_the_form(page, site.url, "analyst", accounts["analyst"])
    page.get_by_text("Tổng quan tỉnh").wait_for(timeout=WAIT_MS)
    return page


def dropdown(page, label: str):
    return page.locator(".ioc-filter", has_text=label).locator("button.dash-dropdown")


def choose(page, label: str, option: str) -> None:
    dropdown(page, label).click()
    page.get_by_role("option", name=option, exact=True).click()


def table(page) -> list[list[str]]:
    return page.eval_on_selector_all(".ioc-analytics-table tbody tr", TABLE)


def test_changing_the_indicator_redraws_the_chart_and_writes_the_url(site, analyst_page):
    page = analyst_page
    page.goto(site.url + MARCH)
    expect(page.locator(".ioc-analytics-table")).to_contain_text("Bình Long", timeout=WAIT_MS)
    page.wait_for_function(CHART_Y.replace("=> ", "=> (") + " || []).length === 31", timeout=WAIT_MS)
    on_time = page.evaluate(CHART_Y)
    assert (on_time[1], on_time[4]) == (85.0, 100.0) and on_time[8] == pytest.approx(200 / 3)  # 2, 5, 9 March
    choose(page, "Chỉ số", "Tỷ lệ hồ sơ nộp trực tuyến")
    expect(page).to_have_url(site.url + MARCH + "&indicator=online_dossier_rate", timeout=WAIT_MS)
    page.wait_for_function(CHART_Y + "[1] === 20", timeout=WAIT_MS)  # 4 of 20 online on 2 March
    online = page.evaluate(CHART_Y)
    assert (online[4], online[8]) == (50.0, pytest.approx(100 / 3))
    expect(page.locator(".ioc-analytics-comparison")).to_contain_text("30,3%")  # 10 of 33 dossiers online
    assert page.console_errors == [] and page.outside_requests == []


def test_a_shared_url_opens_with_its_filters(site, analyst_page):
    page = analyst_page
    shared = (MARCH + "&unit=689&commune=25195&sector=LV01&channel=online&indicator=dossiers_received"
              "&sort=value&order=desc")
    page.goto(site.url + shared)
    expect(page.locator(".ioc-analytics-table")).to_contain_text("Tân Phú", timeout=WAIT_MS)
    assert [dropdown(page, label).inner_text() for label in ("Đơn vị", "Xã, phường, thị trấn", "Lĩnh vực",
                                                             "Kênh tiếp nhận", "Chỉ số")] == [
        "Đồng Xoài", "Tân Phú", "Hộ tịch", "Trực tuyến", "Số hồ sơ tiếp nhận"]
    assert page.locator("input[value='01/03/2026'], input[value='31/03/2026']").count() == 2
    first = table(page)[0]
    assert (first[1], first[2]) == ("Tân Phú", "1")  # one online dossier, the chosen commune first
    expect(page.locator(".ioc-analytics-comparison")).to_contain_text("Tân Phú, 01/03/2026 – 31/03/2026")
    assert page.url == site.url + shared
    assert page.get_by_role("button", name="Giá trị ▼").count() == 1


def click_on_the_map(page, lon: float, lat: float) -> None:
    """A real mouse click at (``lon``, ``lat``) on the explorer's map, once the map has drawn."""
    graph = page.locator(".ioc-analytics-map .js-plotly-plot")
    page.wait_for_function("() => document.querySelector('.ioc-analytics-map .js-plotly-plot')._fullLayout"
                           "?.map?._subplot?.map?.loaded()", timeout=WAIT_MS)
    x, y = page.evaluate("([lon, lat]) => { const map = document.querySelector('.ioc-analytics-map .js-plotly-plot')"
                         "._fullLayout.map._subplot.map; const p = map.project([lon, lat]); return [p.x, p.y]; }",
                         [lon, lat])
    graph.scroll_into_view_if_needed()
    box = page.locator(".ioc-analytics-map .maplibregl-canvas").bounding_box()
    page.mouse.click(box["x"] + x, box["y"] + y)


def test_clicking_a_district_on_the_map_chooses_it(site, analyst_page):
    page = analyst_page
    page.goto(site.url + MARCH)
    expect(page.locator(".ioc-analytics-table")).to_contain_text("Bình Long", timeout=WAIT_MS)
    for attempt in range(3):  # a click that lands while Plotly redraws the recoloured map is lost: click again
        click_on_the_map(page, 106.87, 11.52)  # the middle of Đồng Xoài
        try:
            expect(dropdown(page, "Đơn vị")).to_have_text("Đồng Xoài", timeout=WAIT_MS / 3)
            break
        except AssertionError:
            if attempt == 2:
                raise
    expect(page).to_have_url(site.url + MARCH + "&unit=689", timeout=WAIT_MS)
    expect(page.locator(".ioc-analytics-table")).to_contain_text("Tân Phú", timeout=WAIT_MS)


def test_an_export_downloaded_from_the_page_holds_the_numbers_on_the_screen(site, analyst_page):
    page = analyst_page
    page.goto(site.url + MARCH)
    expect(page.locator(".ioc-analytics-table")).to_contain_text("Bình Long", timeout=WAIT_MS)
    page.get_by_role("button", name="Chênh lệch chỉ tiêu").click()  # sort by the gap: the export follows
    expect(page).to_have_url(site.url + MARCH + "&sort=gap", timeout=WAIT_MS)
    expect(page.locator(".ioc-analytics-table tbody tr").first).to_contain_text("Đồng Xoài", timeout=WAIT_MS)
    shown = table(page)
    screen_total = page.locator(".ioc-analytics-table tfoot .ioc-col-received").inner_text()
    with page.expect_download() as csv_download:
        page.get_by_role("link", name="Tải CSV").click()
    assert csv_download.value.suggested_filename.endswith(".csv")
    content = Path(csv_download.value.path()).read_text(encoding="utf-8-sig")
    _header, *rows, total = list(csv.reader(io.StringIO(content)))
    as_shown = [[row[0] or "—", row[2], *row[4:15:2]] for row in rows]  # rank, unit, then each figure as shown
    assert as_shown == [[cells[0], cells[1], *cells[2:]] for cells in shown]
    assert total[-1] == screen_total == "30"
    assert sum(int(row[13]) for row in rows if row[13]) == int(total[-2]) == 30
    with page.expect_download() as xlsx_download:
        page.get_by_role("link", name="Tải Excel (XLSX)").click()
    book = openpyxl.load_workbook(io.BytesIO(Path(xlsx_download.value.path()).read_bytes()))
    sheet = list(book["Xếp hạng"].values)
    assert [row[2] for row in sheet[1:-1]] == [cells[1] for cells in shown]
    assert sheet[-1][-2:] == (30, screen_total)
    assert sum(row[13] for row in sheet[1:-1] if row[13] is not None) == 30


def test_a_viewer_has_no_explorer_and_cannot_export(site, accounts, page):
    store_history(site.engine)
    sign_in_with_the_form(page, site.url, "viewer", accounts["viewer"])
    page.get_by_text("Tổng quan tỉnh").wait_for(timeout=WAIT_MS)
    assert page.get_by_role("link", name="Phân tích chỉ số").count() == 0
    assert page.goto(site.url + MARCH).status == 403
    assert page.request.get(site.url + "/analytics/export.csv?period=custom&from=2026-03-01&to=2026-03-31"
                            ).status == 403
