"""The feedback page over real HTTP and in a real browser: contacts masked for those who do not handle
feedback (page and export), script in a title shown as text, an operator changing a status, refusals."""

import json

import pytest
import requests

from ioc.auth import kiosk
from tests.auth.conftest import TIMEOUT, as_kiosk, csrf_headers, dump, page_callback, sign_in
from tests.feedback.conftest import report, reports

SCRIPT_TITLE = "Đèn đường hỏng <script>alert(1)</script>"


def action_body(report_id: int, to: str, **fields) -> dict:
    """What Dash posts when an operator presses "Cập nhật trạng thái" with report ``report_id`` selected."""
    button = {"name": "apply", "type": "feedback-action"}
    values = {"to": to, "note": "", "reason": "", "agency": "", "reply": "", "rating": None, **fields}
    return {
        "output": "..feedback-changed.data...feedback-message.children..",
        "outputs": [{"id": "feedback-changed", "property": "data"}, {"id": "feedback-message", "property": "children"}],
        "inputs": [[{"id": button, "property": "n_clicks", "value": 1}]],
        "changedPropIds": [json.dumps(button, separators=(",", ":"), sort_keys=True) + ".n_clicks"],
        "state": [{"id": "feedback-selected", "property": "data", "value": report_id},
                  [{"id": {"name": name, "type": "feedback-field"}, "property": "value", "value": value}
                   for name, value in values.items()]],
    }


def post(site, browser, body) -> requests.Response:
    return browser.post(site.url + "/_dash-update-component", json=body, timeout=TIMEOUT,
                        headers={**csrf_headers(browser), "Origin": site.url})


@pytest.fixture
def stored(api, site) -> dict:
    api.post("/feedback", report(title=SCRIPT_TITLE, category="utilities"))
    return reports(site.engine)[0]


def test_contacts_are_masked_on_the_page_and_in_the_export_except_for_handlers(site, accounts, stored):
    pages, exports = {}, {}
    for role in ("viewer", "analyst", "operator"):
        browser = sign_in(site.url, role, accounts[role])
        pages[role] = post(site, browser, page_callback("/feedback")).text
        exports[role] = browser.get(site.url + "/feedback/export.csv", timeout=TIMEOUT)
    for role in ("viewer", "analyst"):
        assert "0912 345 678" not in pages[role] and "nguyenvanan@gmail.com" not in pages[role]
        assert "•••••••678" in pages[role] and "n•••@gmail.com" in pages[role]
    assert "0912 345 678" in pages["operator"] and "nguyenvanan@gmail.com" in pages["operator"]
    assert exports["viewer"].status_code == 403
    assert "•••••••678" in exports["analyst"].text and "0912 345 678" not in exports["analyst"].text
    assert "0912 345 678" in exports["operator"].text
    assert '"feedback-action"' in pages["operator"] and '"feedback-action"' not in pages["viewer"]


def test_an_operator_changes_a_status_and_others_cannot(site, accounts, stored):
    visitors = {"viewer": (sign_in(site.url, "viewer", accounts["viewer"]), 403),
                "analyst": (sign_in(site.url, "analyst", accounts["analyst"]), 403),
                "anonymous": (requests.Session(), 401),
                "kiosk": (as_kiosk(site.url, kiosk.create(site.engine, "hall-wall", "test")), 403)}
    before = dump(site.engine)
    for name, (browser, status) in visitors.items():
        assert post(site, browser, action_body(stored["id"], "accepted")).status_code == status, name
    assert dump(site.engine) == before
    operator = sign_in(site.url, "operator", accounts["operator"])
    response = post(site, operator, action_body(stored["id"], "rejected"))
    assert response.json()["response"]["feedback-message"]["children"] == (
        "Không thực hiện được: reason: a rejection needs a reason")
    response = post(site, operator, action_body(stored["id"], "accepted", note="đã xác minh"))
    assert response.status_code == 200
    assert reports(site.engine)[0]["status"] == "accepted"


@pytest.mark.browser
def test_in_a_browser_a_script_title_is_literal_text_and_an_operator_accepts_the_report(site, accounts, stored, page):
    from tests.auth.test_browser import WAIT_MS, sign_in_with_the_form

    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    sign_in_with_the_form(page, site.url, "operator", accounts["operator"])
    page.get_by_role("link", name="Phản ánh").click()
    page.get_by_text(SCRIPT_TITLE, exact=True).wait_for(timeout=WAIT_MS)
    assert page.locator(".ioc-feedback-title").inner_text() == SCRIPT_TITLE
    page.get_by_role("button", name="Chi tiết").click()
    page.get_by_text(f"Lịch sử xử lý {stored['tracking_code']}").wait_for(timeout=WAIT_MS)
    page.locator(".ioc-feedback-detail-title").get_by_text(SCRIPT_TITLE, exact=True).wait_for(timeout=WAIT_MS)
    page.locator("[id='" + json.dumps({"name": "to", "type": "feedback-field"}, separators=(",", ":")) + "']").click()
    page.get_by_role("option", name="Đã thụ lý").click()
    page.get_by_role("button", name="Cập nhật trạng thái").click()
    page.get_by_text(f"Đã chuyển {stored['tracking_code']} sang “Đã thụ lý”.").wait_for(timeout=WAIT_MS)
    page.locator(".ioc-feedback-log").get_by_text("operator").wait_for(timeout=WAIT_MS)
    assert reports(site.engine)[0]["status"] == "accepted"
    assert dialogs == [] and page.console_errors == [] and page.outside_requests == []


def hotline_body(reference: str, **fields) -> dict:
    """What Dash posts when an operator presses "Ghi nhận" in the hotline form."""
    button = {"name": "hotline", "type": "feedback-action"}
    values = {"category": "utilities", "title": "Mất điện khu phố 3", "description": "Người gọi báo mất điện từ sáng.",
              "unit_code": "689", "name": "Lê Thị Hoa", "phone": "0271 3879 123", **fields}
    return {
        "output": "..feedback-hotline-ref.data...feedback-hotline-message.children..",
        "outputs": [{"id": "feedback-hotline-ref", "property": "data"},
                    {"id": "feedback-hotline-message", "property": "children"}],
        "inputs": [[{"id": button, "property": "n_clicks", "value": 1}]],
        "changedPropIds": [json.dumps(button, separators=(",", ":"), sort_keys=True) + ".n_clicks"],
        "state": [{"id": "feedback-hotline-ref", "property": "data", "value": reference},
                  [{"id": {"name": name, "type": "feedback-hotline"}, "property": "value", "value": value}
                   for name, value in values.items()]],
    }


def test_a_hotline_call_is_recorded_once_even_if_the_button_is_pressed_twice(site, accounts):
    operator = sign_in(site.url, "operator", accounts["operator"])
    viewer = sign_in(site.url, "viewer", accounts["viewer"])
    assert post(site, viewer, hotline_body("form-1")).status_code == 403
    bad = post(site, operator, hotline_body("form-1", phone="gọi lại sau"))
    assert bad.json()["response"]["feedback-hotline-message"]["children"].startswith(
        "Không thực hiện được: phone: String should match pattern")
    assert reports(site.engine) == []
    answers = [post(site, operator, hotline_body("form-1")) for _ in range(2)]
    [stored] = reports(site.engine)
    assert (stored["channel"], stored["channel_ref"], stored["submitted_by"], stored["reporter_phone"]) == (
        "hotline", "form-1", "operator", "0271 3879 123")
    for answer in answers:
        message = answer.json()["response"]["feedback-hotline-message"]["children"]
        assert message == f"Đã ghi nhận, mã tra cứu {stored['tracking_code']}."
