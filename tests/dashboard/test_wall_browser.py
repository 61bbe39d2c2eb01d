"""The wall display in headless Chromium: every panel filled at 1920x1080 and 3840x2160 without scrolling, no
console error, nothing fetched from outside; an acknowledgement on /alerts shows on the wall at its next
refresh; days of refreshing and rotating do not grow the page."""

import re
import time

import pytest

from ioc.auth import kiosk
from tests.auth.test_browser import WAIT_MS, sign_in_with_the_form
from tests.conftest import ARTIFACTS, CHROMIUM_ARGS  # noqa: F401 (CHROMIUM_ARGS: the browser fixture's flags)

pytestmark = pytest.mark.browser
INDICATORS = 5  # the default scene's indicators (config: web.wall.scenes[].indicators)


def open_wall(browser, site, width: int, height: int, language: str = "vi"):
    context = browser.new_context(viewport={"width": width, "height": height}, locale="vi-VN")
    tab = context.new_page()
    tab.console_errors, tab.outside_requests = [], []
    tab.on("console", lambda message: message.type == "error" and tab.console_errors.append(message.text))
    tab.on("request", lambda request: not request.url.startswith(("http://127.0.0.1", "data:", "blob:"))
           and tab.outside_requests.append(request.url))
    tab.goto(f"{site.url}/kiosk/{kiosk.create(site.engine, f'wall-{width}-{language}', 'test')}")
    if language != "vi":
        tab.goto(f"{site.url}/language/{language}")
        tab.goto(f"{site.url}/wall")
    wait_until_filled(tab)
    return context, tab


def wait_until_filled(tab) -> None:
    tab.wait_for_function(
        "() => document.querySelectorAll('.ioc-wall-tile').length > 0"
        " && [...document.querySelectorAll('.ioc-wall-tile-value')].every(e => e.innerText !== '—')"
        " && document.querySelectorAll('.ioc-wall-alert').length > 0"
        " && document.querySelectorAll('.ioc-wall-legend-item').length > 0"
        " && document.querySelectorAll('.ioc-wall-count-value').length === 3"
        " && document.querySelector('#wall-map canvas') !== null"
        " && document.querySelector('.ioc-wall-status').innerText.length > 0", timeout=WAIT_MS)


def overflowing(tab) -> list[str]:
    """Classes of the page and panels whose content is cut off or scrolls."""
    return tab.evaluate(
        "() => [document.documentElement, ...document.querySelectorAll('.ioc-wall-panel:not([hidden])')]"
        ".filter(e => e.scrollHeight > e.clientHeight + 1 || e.scrollWidth > e.clientWidth + 1)"
        ".map(e => e.className || e.tagName)")


@pytest.mark.parametrize(("width", "height"), [(1920, 1080), (3840, 2160)])
def test_the_wall_fills_every_panel_without_scrolling(wall_site, browser, width, height):
    context, tab = open_wall(browser, wall_site, width, height)
    try:
        assert tab.url == wall_site.url + "/wall"
        assert tab.locator(".ioc-wall-title").inner_text() == "Toàn cảnh tỉnh"
        values = tab.locator(".ioc-wall-tile-value").all_inner_texts()
        assert len(values) == INDICATORS and all(re.fullmatch(r"\d{1,3},\d%", value) for value in values), values
        targets = tab.locator(".ioc-wall-tile-target").all_inner_texts()
        assert targets[0] == "Chỉ tiêu 95,0%" and targets[3] == "Chỉ tiêu 40,0%"
        verdicts = tab.locator(".ioc-wall-tile-verdict").all_inner_texts()
        assert set(verdicts) <= {"✓ Đạt", "✗ Chưa đạt"}
        behind = tab.locator(".ioc-wall-tile-behind .ioc-wall-tile-verdict").all_inner_texts()
        assert behind and set(behind) == {"✗ Chưa đạt"}  # the colour has its words
        assert tab.locator(".ioc-wall-alert").count() == 5
        assert tab.locator(".ioc-wall-alert .ioc-wall-severity").first.inner_text() == "Nghiêm trọng"
        assert re.search(r"\d+ phút trước · Chưa xác nhận", tab.locator(".ioc-wall-alert").first.inner_text())
        counts = tab.locator(".ioc-wall-count-value").all_inner_texts()
        assert all(re.fullmatch(r"[\d.]+", count) for count in counts) and int(counts[0].replace(".", "")) > 0
        assert tab.locator(".ioc-wall-legend-item", has_text="Mất tín hiệu (2)").count() == 1
        assert "gis.chinhphu.vn" in tab.locator(".ioc-wall-attribution").inner_text()
        assert re.search(r"Cảm biến mới nhất: \d\d:\d\d \d\d/\d\d/\d{4}", tab.locator(".ioc-wall-status").inner_text())
        assert overflowing(tab) == []
        smallest = tab.evaluate("() => Math.min(...[...document.querySelectorAll('.ioc-wall *')]"
                                ".filter(e => e.childNodes.length && [...e.childNodes].some(n => n.nodeType === 3"
                                " && n.textContent.trim()) && !e.closest('.ioc-wall-attribution, .js-plotly-plot'))"
                                ".map(e => parseFloat(getComputedStyle(e).fontSize)))")
        assert smallest >= 20 * height / 1080, smallest  # about 20 px at 1080p: legible from 3 m
        ARTIFACTS.mkdir(exist_ok=True)
        tab.screenshot(path=str(ARTIFACTS / f"wall-{width}x{height}.png"))
        assert tab.console_errors == [] and tab.outside_requests == []
    finally:
        context.close()


def test_the_wall_speaks_english_with_english_numbers(wall_site, browser):
    context, tab = open_wall(browser, wall_site, 1920, 1080, language="en")
    try:
        assert tab.locator(".ioc-wall-title").inner_text() == "Province at a glance"
        values = tab.locator(".ioc-wall-tile-value").all_inner_texts()
        assert all(re.fullmatch(r"\d{1,3}\.\d%", value) for value in values), values
        assert tab.locator(".ioc-wall-tile-target").first.inner_text() == "Target 95.0%"
        assert tab.console_errors == []
    finally:
        context.close()


def test_an_alert_acknowledged_on_the_alerts_page_shows_acknowledged_on_the_wall(wall_site, browser, page,
                                                                                demo_engine, tmp_path):
    from tests.auth.conftest import PASSWORDS, serving
    from tests.dashboard.conftest import wall_settings

    context, wall = open_wall(browser, wall_site, 1920, 1080)
    # The operator works on another web process of the same store, with the usual 30 s refresh (the wall's
    # one-second refresh would redraw the alerts table under the operator's click).
    try:
        with serving(wall_settings(tmp_path / "operations", refresh_seconds=30), demo_engine) as operations:
            critical = wall.locator(".ioc-wall-alert", has_text="Lộc Ninh")
            assert "Chưa xác nhận" in critical.inner_text()
            sign_in_with_the_form(page, operations.url, "operator", PASSWORDS["operator"])
            page.goto(operations.url + "/alerts")
            row = page.locator(".ioc-alert-row", has_text="Lộc Ninh")
            row.get_by_role("button", name="Xác nhận").click()
            page.get_by_text(re.compile(r"Đã xác nhận cảnh báo #\d+\.")).wait_for(timeout=WAIT_MS)
            wall.locator(".ioc-wall-alert-acknowledged", has_text="Lộc Ninh").wait_for(timeout=WAIT_MS)
            assert "Đã xác nhận" in critical.inner_text()
            assert wall.locator(".ioc-wall-alert-unacknowledged").count() == 4
            assert wall.console_errors == [] and page.console_errors == []
    finally:
        context.close()


def test_refreshing_and_rotating_for_many_cycles_does_not_grow_the_page(rotating_site, browser):
    context, tab = open_wall(browser, rotating_site, 1920, 1080)
    answered = []
    tab.on("response", lambda response: "_dash-update-component" in response.url and answered.append(
        response.status))
    try:
        samples, titles = [], set()
        deadline = time.monotonic() + 24
        while time.monotonic() < deadline:
            tab.wait_for_timeout(1000)
            samples.append(tab.evaluate("() => document.getElementsByTagName('*').length"))
            titles.add(tab.locator(".ioc-wall-title").inner_text())
        assert titles == {"Toàn cảnh tỉnh", "Dịch vụ công trực tuyến", "Cảnh báo và phản ánh"}
        assert len(answered) >= 60 and set(answered) <= {200, 204}  # all served (204: a hidden panel, untouched)
        first, last = samples[: len(samples) // 2], samples[len(samples) // 2:]
        assert max(last) <= max(first) + 25, samples  # same scenes, same nodes: nothing accumulates
        assert tab.console_errors == []
    finally:
        context.close()
