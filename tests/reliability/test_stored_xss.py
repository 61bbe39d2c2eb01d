"""Stored cross-site scripting, in headless Chromium: hostile text from citizens, staff and the sensor registry
is shown as text on every page that shows it, and never runs.

A citizen report posted through the intake API carries script in its title, description and name; its
workflow steps carry it in their notes, the agency and the official reply; an alert's message carries it
through its sensor's name (written into the store's sensor registry), and the alert's acknowledgement and
assignment carry it in their notes and assignee; a collector's last error carries it to the health tables.
Each payload would set ``window.__xss``. The pages that show them (the feedback inbox and a report's history,
the alerts list and an alert's log, the wall, the overview, the sensors and health pages) are opened as the
roles that see them; ``window.__xss`` must stay undefined, no dialog may open, the console must hold no error
(a Content-Security-Policy violation is one), and the text must read exactly as stored.
"""

from contextlib import contextmanager

import pytest
import requests
from sqlalchemy import update

from ioc.alerts.lifecycle import ASSIGNEE_MAX_CHARS
from ioc.auth import apikeys, kiosk
from ioc.records import Reading
from ioc.store import schema
from ioc.store.writer import finish_run, start_run, store_readings
from tests.alerts.helpers import alert_settings, alerts_of, minutes, run
from tests.alerts.test_page import action_body as alert_action
from tests.auth import conftest as auth_fixtures
from tests.auth.conftest import TIMEOUT, csrf_headers, serving, sign_in
from tests.auth.test_browser import WAIT_MS, sign_in_with_the_form
from tests.dashboard.conftest import wall_settings
from tests.feedback.conftest import report
from tests.reliability.figures import record

pytestmark = pytest.mark.browser
accounts = auth_fixtures.accounts

PAYLOADS = {
    "script": "<script>window.__xss = 'script'</script>",
    "img": '<img src=x onerror="window.__xss = \'img\'">',
    "link": '<a href="javascript:window.__xss = \'link\'">mở</a>',
    "svg": '"><svg onload="window.__xss = \'svg\'">',
}
HOSTILE = "".join(PAYLOADS.values())
"""All four in one string (148 characters): it fits every field it is written to but the assignee."""
SHORT = PAYLOADS["script"] + PAYLOADS["svg"]
"""For an alert's assignee (at most ``ASSIGNEE_MAX_CHARS``)."""
SENSOR = "aq-dongxoai-tanphu"


def text(label: str) -> str:
    return f"{label} {SHORT if label == 'U' else HOSTILE}"


@pytest.fixture
def hostile_site(tmp_path, sqlite_engine, accounts):
    """The app, the wall showing every panel, and the store holding hostile text everywhere it can."""
    engine = sqlite_engine
    with engine.begin() as connection:
        connection.execute(update(schema.sensors).where(schema.sensors.c.id == SENSOR).values(name=text("S")))
        store_readings(connection, [Reading(SENSOR, "pm25", minutes(0), 80.0)])
        finish_run(connection, start_run(connection, "portal", minutes(0)), minutes(1), 0, error=text("E"))
    rule = {"id": "pm25", "type": "threshold", "sensor": SENSOR, "metric": "pm25", "level": 50,
            "severity": "critical", "message": {"vi": "{name}: bụi PM2.5 {value}", "en": "{name}: PM2.5 {value}"}}
    run(engine, alert_settings(tmp_path / "rules", [rule]), minutes(0))
    with serving(wall_settings(tmp_path / "site", refresh_seconds=30), engine) as site:
        write = apikeys.create(engine, "hue-s-app", ["feedback:write"], "test")
        handle = apikeys.create(engine, "so-gtvt", ["feedback:handle"], "test")
        created = requests.post(site.url + "/api/v1/feedback", headers={"X-API-Key": write}, timeout=TIMEOUT,
                                json=report(title=text("T"), description=text("D"),
                                            reporter={"name": text("N"), "phone": "0912 345 678"}))
        assert created.status_code == 201, created.text
        site.tracking_code = created.json()["tracking_code"]
        for step in ({"to": "accepted", "note": text("A")}, {"to": "assigned", "agency": text("G")},
                     {"to": "in_progress"}, {"to": "answered", "reply": text("R")}):
            answer = requests.post(f"{site.url}/api/v1/feedback/{site.tracking_code}/transitions", json=step,
                                   headers={"X-API-Key": handle}, timeout=TIMEOUT)
            assert answer.status_code == 200, answer.text
        operator = sign_in(site.url, "operator", accounts["operator"])
        site.alert_id = alerts_of(engine, "pm25")[0]["id"]
        for body in (alert_action("acknowledge", site.alert_id, note=text("K")),
                     alert_action("assign", site.alert_id, note=text("M"), assignee=text("U"))):
            answer = operator.post(site.url + "/_dash-update-component", json=body, timeout=TIMEOUT,
                                   headers={**csrf_headers(operator), "Origin": site.url})
            assert answer.status_code == 200 and "Không" not in answer.text, answer.text
        yield site


@contextmanager
def tab(browser):
    """A fresh browser context that records console errors, dialogs and Content-Security-Policy violations."""
    context = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="vi-VN")
    page = context.new_page()
    page.console_errors, page.dialogs = [], []
    page.on("console", lambda message: message.type == "error" and page.console_errors.append(message.text))
    page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
    page.add_init_script("document.addEventListener('securitypolicyviolation', e => "
                         "(window.__csp = window.__csp || []).push(e.violatedDirective + ' ' + e.blockedURI))")
    try:
        yield page
    finally:
        context.close()


def shows_literally(page, selector: str, label: str) -> None:
    """The element holds the hostile text as text, and no element was made from it."""
    page.locator(selector).get_by_text(text(label), exact=False).first.wait_for(timeout=WAIT_MS)
    assert text(label) in page.locator(selector).first.inner_text()
    assert page.locator(f"{selector} script, {selector} img, {selector} svg, {selector} a[href^=javascript]"
                        ).count() == 0


def nothing_ran(page) -> None:
    assert page.evaluate("window.__xss") is None
    assert page.evaluate("window.__csp") is None
    assert page.dialogs == [] and page.console_errors == []


def test_hostile_text_shows_as_text_and_never_runs_on_any_page(hostile_site, accounts, browser):
    assert len(text("U")) <= ASSIGNEE_MAX_CHARS
    site, pages = hostile_site, 0
    with tab(browser) as page:
        sign_in_with_the_form(page, site.url, "operator", accounts["operator"])
        page.goto(site.url + "/feedback")
        shows_literally(page, ".ioc-feedback", "T")
        shows_literally(page, ".ioc-feedback", "N")
        page.get_by_role("button", name="Chi tiết").click()
        for label in ("T", "D", "N", "A", "G", "R"):
            shows_literally(page, "#feedback-detail", label)
        nothing_ran(page)
        page.goto(site.url + "/alerts")
        shows_literally(page, ".ioc-alerts", "S")
        shows_literally(page, ".ioc-alerts", "U")
        page.get_by_role("button", name="Chi tiết").click()
        for label in ("S", "K", "M", "U"):
            shows_literally(page, "#alerts-detail", label)
        nothing_ran(page)
        for path, selector, label in (("/", ".ioc-table", "E"), ("/sensors", ".ioc-sensors", "S"),
                                      ("/health", "#health-content", "E")):
            page.goto(site.url + path)
            shows_literally(page, selector, label)
            nothing_ran(page)
        pages += 2 + 2 + 3
    with tab(browser) as wall:
        wall.goto(f"{site.url}/kiosk/{kiosk.create(site.engine, 'hall-wall', 'test')}")
        shows_literally(wall, ".ioc-wall-alert-message", "S")
        wall.wait_for_function("() => document.querySelector('#wall-map canvas, #wall-map svg') !== null",
                               timeout=WAIT_MS)
        nothing_ran(wall)
        pages += 1
    with tab(browser) as viewer:
        sign_in_with_the_form(viewer, site.url, "viewer", accounts["viewer"])
        viewer.goto(site.url + "/feedback")
        shows_literally(viewer, ".ioc-feedback", "T")
        viewer.get_by_role("button", name="Chi tiết").click()
        shows_literally(viewer, "#feedback-detail", "R")
        nothing_ran(viewer)
        pages += 2
    record("stored_xss", payloads=len(PAYLOADS), fields=11, pages=pages, executed=0, csp_violations=0)
