"""The alerts page over real HTTP: operators act on alerts, and nobody else can (the server refuses and nothing
changes). The action callback is posted exactly as Dash's renderer posts it."""

import json

import pytest
import requests

from ioc.auth import kiosk
from ioc.records import Reading
from ioc.store.writer import store_readings
from tests.alerts.helpers import alert_settings, alerts_of, log_of, minutes, run
from tests.auth import conftest as auth_fixtures
from tests.auth.conftest import TIMEOUT, as_kiosk, csrf_headers, dump, page_callback, sign_in

accounts, settings, site = auth_fixtures.accounts, auth_fixtures.settings, auth_fixtures.site
"""The sign-in tests' fixtures: the app over HTTP with one user per role."""

RULE = {"id": "pm25", "type": "threshold", "sensor": "aq-dongxoai-tanphu", "metric": "pm25", "level": 50,
        "severity": "critical", "message": {"vi": "Bụi PM2.5 cao <b>{value}</b>", "en": "High PM2.5 <b>{value}</b>"}}


def action_body(action: str, alert_id: int | None, note: str = "", hours: int = 4, assignee: str = "") -> dict:
    """What Dash posts when the operator presses an action button of the panel with ``alert_id`` selected."""
    button = {"action": action, "type": "alerts-action"}
    fields = {"note": note, "shelve_hours": hours, "assignee": assignee}
    return {
        "output": "..alerts-changed.data...alerts-message.children..",
        "outputs": [{"id": "alerts-changed", "property": "data"}, {"id": "alerts-message", "property": "children"}],
        "inputs": [[], [{"id": button, "property": "n_clicks", "value": 1}]],
        "changedPropIds": [json.dumps(button, separators=(",", ":"), sort_keys=True) + ".n_clicks"],
        "state": [{"id": "alerts-selected", "property": "data", "value": alert_id},
                  [{"id": {"name": name, "type": "alerts-field"}, "property": "value", "value": value}
                   for name, value in fields.items()]],
    }


def post(site, browser: requests.Session, body: dict) -> requests.Response:
    return browser.post(site.url + "/_dash-update-component", json=body, timeout=TIMEOUT,
                        headers={**csrf_headers(browser), "Origin": site.url})


@pytest.fixture
def alert_id(site, tmp_path) -> int:
    rules = alert_settings(tmp_path / "rules", [RULE])
    with site.engine.begin() as connection:
        store_readings(connection, [Reading("aq-dongxoai-tanphu", "pm25", minutes(0), 80.0)])
    run(site.engine, rules, minutes(0))
    return alerts_of(site.engine, "pm25")[0]["id"]


def test_an_operator_acknowledges_shelves_assigns_and_clears_and_each_is_signed(site, accounts, alert_id):
    operator = sign_in(site.url, "operator", accounts["operator"])
    for body in (action_body("acknowledge", alert_id, "đang xử lý"),
                 action_body("shelve", alert_id, "chờ đội kỹ thuật", hours=8),
                 action_body("assign", alert_id, assignee="nguyenvana"),
                 action_body("clear", alert_id, "đã thay cảm biến")):
        response = post(site, operator, body)
        assert response.status_code == 200, response.text
    log = log_of(site.engine, alert_id)
    assert [(action, actor) for action, actor, _note, _ts in log] == [
        ("raise", "system"), ("acknowledge", "operator"), ("shelve", "operator"), ("assign", "operator"),
        ("clear", "operator")]
    assert [note for _action, _actor, note, _ts in log][1] == "đang xử lý"
    assert log[2][2].startswith("chờ đội kỹ thuật (until ")
    [alert] = alerts_of(site.engine, "pm25")
    assert (alert["active"], alert["acknowledged"], alert["assignee"]) == (False, True, "nguyenvana")


def test_a_refused_transition_is_explained_and_changes_nothing(site, accounts, alert_id):
    operator = sign_in(site.url, "operator", accounts["operator"])
    before = dump(site.engine)
    response = post(site, operator, action_body("clear", alert_id, note=""))
    assert response.status_code == 200
    assert response.json()["response"]["alerts-message"]["children"] == "Cần ghi chú khi kết thúc cảnh báo bằng tay."
    assert dump(site.engine) == before


@pytest.mark.parametrize("action", ["acknowledge", "shelve", "clear"])
def test_a_viewer_an_anonymous_visitor_and_a_kiosk_cannot_act_and_nothing_changes(site, accounts, alert_id, action):
    visitors = {
        "viewer": (sign_in(site.url, "viewer", accounts["viewer"]), 403),
        "analyst": (sign_in(site.url, "analyst", accounts["analyst"]), 403),
        "anonymous": (requests.Session(), 401),
        "kiosk": (as_kiosk(site.url, kiosk.create(site.engine, "hall-wall", "test")), 403),
    }
    before = dump(site.engine)
    for name, (browser, status) in visitors.items():
        response = post(site, browser, action_body(action, alert_id, "thử"))
        assert response.status_code == status, name
    assert dump(site.engine) == before
    assert [event[0] for event in log_of(site.engine, alert_id)] == ["raise"]


def test_the_page_shows_acknowledge_buttons_to_operators_only_and_messages_as_text(site, accounts, alert_id):
    contents = {}
    for role in ("viewer", "operator"):
        browser = sign_in(site.url, role, accounts[role])
        assert browser.get(site.url + "/alerts", timeout=TIMEOUT).status_code == 200
        response = post(site, browser, page_callback("/alerts"))
        assert response.status_code == 200
        contents[role] = response.text
    assert '"alerts-ack"' in contents["operator"] and '"alerts-ack"' not in contents["viewer"]
    assert '"alerts-action"' not in contents["viewer"]
    for content in contents.values():
        assert "ioc-alert-new-critical" in content
        assert "Bụi PM2.5 cao <b>80</b>" in json.loads(content)["response"]["_pages_content"]["children"].__repr__()
        assert "dangerously_allow_html" not in content and "DangerouslySetInnerHTML" not in content


@pytest.mark.browser
def test_in_a_browser_an_operator_acknowledges_a_critical_alert_with_a_note(site, accounts, alert_id, page):
    from tests.auth.test_browser import WAIT_MS, sign_in_with_the_form

    sign_in_with_the_form(page, site.url, "operator", accounts["operator"])
    page.get_by_role("link", name="Cảnh báo").click()
    page.locator(".ioc-alert-new-critical").wait_for(timeout=WAIT_MS)
    assert page.locator(".ioc-alert-banner").inner_text() == "1 cảnh báo nghiêm trọng chưa được xác nhận"
    page.get_by_role("button", name="Chi tiết").click()
    page.get_by_text(f"Nhật ký cảnh báo #{alert_id}").wait_for(timeout=WAIT_MS)
    page.get_by_placeholder("Ghi chú").fill("đã báo đội môi trường")
    page.locator(".ioc-alert-row").get_by_role("button", name="Xác nhận").click()
    page.get_by_text(f"Đã xác nhận cảnh báo #{alert_id}.").wait_for(timeout=WAIT_MS)
    page.locator(".ioc-alert-log").get_by_text("đã báo đội môi trường").wait_for(timeout=WAIT_MS)
    page.locator(".ioc-alert-new-critical").wait_for(state="detached", timeout=WAIT_MS)  # the table redraws too
    assert page.locator(".ioc-alert-new-critical").count() == 0
    assert log_of(site.engine, alert_id)[-1][:3] == ("acknowledge", "operator", "đã báo đội môi trường")
    assert page.console_errors == [] and page.outside_requests == []


def test_a_failing_notification_channel_shows_in_the_health_view(site, accounts, alert_id):
    from ioc.store import alert_queries

    with site.engine.begin() as connection:
        alert_queries.record_delivery(connection, alert_id, "ops-chat", "raise", minutes(1), 4, "ConnectError: refused")
    viewer = sign_in(site.url, "viewer", accounts["viewer"])
    for path in ("/", "/alerts"):
        content = post(site, viewer, page_callback(path)).text
        assert "ConnectError: refused" in content and "ioc-status-failed" in content
    assert "Kênh thông báo ops-chat" in post(site, viewer, page_callback("/")).text
