"""The sensor pages and the health view over real HTTP, as a viewer, a kiosk and an anonymous visitor."""

import json
import re

import requests

from ioc.auth import kiosk
from ioc.records import RejectedInput
from ioc.store.writer import reject_input
from layouts.health import free_space_text
from tests.auth.conftest import PASSWORDS, TIMEOUT, as_kiosk, csrf_headers, page_callback, sign_in


def content(site, browser, path: str) -> str:
    response = browser.post(site.url + "/_dash-update-component", json=page_callback(path),
                            headers={**csrf_headers(browser), "Origin": site.url}, timeout=TIMEOUT)
    assert response.status_code == 200, response.text
    return json.dumps(response.json(), ensure_ascii=False, separators=(",", ":"))  # Dash escapes "/" as \u002f


def test_the_sensor_list_shows_every_sensor_with_its_status_and_latest_values(wall_site):
    viewer = sign_in(wall_site.url, "viewer", PASSWORDS["viewer"])
    page = content(wall_site, viewer, "/sensors")
    assert page.count('"href":"/sensors/') == 60
    assert "Mất tín hiệu" in page and "VN_AQI " in page and "Báo động III" in page
    assert re.search(r"pm25 \d+,\d ug/m3", page)  # Vietnamese decimal comma


def test_a_sensor_page_charts_its_hourly_and_daily_rollups_with_alarm_levels(wall_site):
    viewer = sign_in(wall_site.url, "viewer", PASSWORDS["viewer"])
    page = content(wall_site, viewer, "/sensors/wl-saigon-locninh")
    assert "Trung bình giờ, 7 ngày qua: water_level (m)" in page
    assert "Báo động III" in page and page.count('"type":"scatter"') >= 4
    assert "Không có cảm biến “nope”." in content(wall_site, viewer, "/sensors/nope")


def test_the_health_view_and_its_json_need_view_and_say_the_same(wall_site):
    with wall_site.engine.begin() as connection:
        reject_input(connection, RejectedInput("mqtt_ingest", "out_of_range", "pm25: 5000 above 1000", b"{}"))
    assert requests.get(wall_site.url + "/health.json", timeout=TIMEOUT).status_code == 401
    display = as_kiosk(wall_site.url, kiosk.create(wall_site.engine, "health-wall", "test"))
    report = display.get(wall_site.url + "/health.json", timeout=TIMEOUT).json()
    collectors = {row["collector"]: row for row in report["collectors"]}
    assert collectors["portal"]["status"] == "failed"
    assert collectors["portal"]["last_error"] == "ConnectError: timed out"
    assert collectors["portal"]["rows_last_hour"] == 1200 and collectors["portal"]["last_success"]
    assert collectors["mqtt_ingest"]["rows_last_hour"] == 1200
    assert report["rejected"] == [{"source": "mqtt_ingest", "reason": "out_of_range", "total": 1, "last_24h": 1}]
    assert report["store"]["backend"] == "sqlite" and report["store"]["size_bytes"] > 1_000_000
    assert report["broker"]["address"] == "127.0.0.1:1883" and isinstance(report["broker"]["reachable"], bool)
    page = content(wall_site, display, "/health")
    assert "ConnectError: timed out" in page and "out_of_range" in page and "1.200" in page
    assert "Máy chủ MQTT" in page and "Kho dữ liệu" in page


def test_the_wall_map_needs_no_tile_server_unless_one_is_configured(demo_engine, tmp_path):
    from tests.auth.conftest import serving
    from tests.dashboard.conftest import wall_settings

    default = wall_settings(tmp_path / "default")
    hosted = default.model_copy(update={"web": default.web.model_copy(update={
        "map_tile_url": "http://gis.binhphuoc.local/tiles/{z}/{x}/{y}.png",
        "map_tile_attribution": "Nền bản đồ: Sở TN&MT Bình Phước"})})
    pages = {}
    for name, settings in (("default", default), ("hosted", hosted)):
        with serving(settings, demo_engine) as site:
            display = as_kiosk(site.url, kiosk.create(site.engine, f"tiles-{name}", "test"))
            pages[name] = content(site, display, "/wall")
    assert '"sourcetype":"raster"' not in pages["default"] and "http" not in pages["default"].replace(
        "gis.chinhphu.vn", "")
    assert "gis.chinhphu.vn" in pages["default"]  # the boundaries' attribution
    assert '"sourcetype":"raster"' in pages["hosted"]
    assert '["http://gis.binhphuoc.local/tiles/{z}/{x}/{y}.png"]' in pages["hosted"]
    assert "Nền bản đồ: Sở TN&MT Bình Phước" in pages["hosted"] and "gis.chinhphu.vn" in pages["hosted"]


def test_the_stores_free_space_reads_in_gb_on_a_large_disk_and_in_mb_on_a_small_one():
    large = {"free_bytes": 82_131_200_000, "total_bytes": 270_553_200_000, "full": False}
    small = {"free_bytes": 400_000, "total_bytes": 33_554_432, "full": True}
    assert free_space_text(large, "vi") == "Còn trống 82,1 / 270,6 GB"
    assert free_space_text(large, "en") == "82.1 of 270.6 GB free"
    assert free_space_text(small, "vi").startswith("Đầy: còn trống 0,4 / 33,6 MB;")
