"""CSRF proof on every state-changing request, enumerated from the app: each form POST and each callback.

Every POST route outside the API and every server-side callback is tried, as an admin (who may do anything),
with three forgeries: no token, another browser session's token, and the right token from another site (its
``Origin``, or only its ``Referer``). Each must be refused with 403 and leave every table as it was. The
requests that change something (signing in and out, acting on an alert, taking a feedback step, recording a
hotline call, revoking a display's token) are sent with bodies that really would change it, and the same
requests with the proof do change it, so the refusals are not an accident of the body.
"""

import requests

from ioc.auth import apikeys, kiosk, sessions
from ioc.auth.guard import ROUTER_OUTPUT
from ioc.records import Reading
from ioc.store import alert_queries
from ioc.store.writer import store_readings
from tests.alerts.helpers import alert_settings, alerts_of, minutes, run
from tests.alerts.test_page import action_body as alert_action
from tests.auth.callbacks import callback_body
from tests.auth.conftest import TIMEOUT, dump, form_token, revoke_callback, sign_in
from tests.feedback.conftest import report, reports
from tests.feedback.test_page import action_body as feedback_action
from tests.feedback.test_page import hotline_body
from tests.reliability.figures import record

STATE_CHANGING = ("POST /login", "POST /logout", "callback layouts.alerts.act", "callback layouts.feedback.act",
                  "callback layouts.feedback.take_call", "callback layouts.admin.revoke")
"""What changes the store, written by hand; every other POST outside /api/ would have to be added here."""
API_PREFIX = "/api/"
"""API routes carry a key, never a cookie, so a forged request carries no credential (docs/security.md)."""
EVIL = "http://evil.example"


def forgeries(site, own: requests.Session, other: requests.Session) -> dict[str, dict]:
    """The headers of each forgery, for ``own``'s requests."""
    token = _token(site, own)
    return {"no token": {},
            "another session's token": {"X-CSRFToken": _token(site, other)},
            "another site's Origin": {"X-CSRFToken": token, "Origin": EVIL},
            "another site's Referer": {"X-CSRFToken": token, "Referer": EVIL + "/trap.html"}}


def _token(site, browser: requests.Session) -> str:
    return form_token(browser.get(site.url + "/login", timeout=TIMEOUT).text)


def test_every_post_route_outside_the_api_is_declared_state_changing_or_a_callback(site):
    posts = {f"POST {rule.rule}" for rule in site.app.server.url_map.iter_rules()
             if "POST" in rule.methods and not rule.rule.startswith(API_PREFIX)}
    assert posts == {"POST /login", "POST /logout", "POST /_dash-update-component"}
    callbacks = {f"callback {entry['callback'].__module__}.{entry['callback'].__name__}"
                 for entry in site.app.callback_map.values() if entry.get("callback")}
    assert set(STATE_CHANGING) - {"POST /login", "POST /logout"} <= callbacks


def test_every_callback_refuses_each_forgery(site, accounts):
    """Read-only callbacks too: the check comes before the callback is known to change nothing."""
    admin = sign_in(site.url, "admin", accounts["admin"])
    other = sign_in(site.url, "viewer", accounts["viewer"])
    before = dump(site.engine)
    refused = 0
    outputs = [output for output, entry in site.app.callback_map.items()
               if entry.get("callback") and output != ROUTER_OUTPUT]
    for output in outputs:
        for forgery, headers in forgeries(site, admin, other).items():
            response = admin.post(site.url + "/_dash-update-component", json=callback_body(site.app, output),
                                  headers=headers, timeout=TIMEOUT)
            assert response.status_code == 403, (output, forgery, response.text[:200])
            assert response.json()["error"].startswith("CSRF check failed"), (output, forgery)
            refused += 1
    assert dump(site.engine) == before
    record("csrf_callbacks", callbacks=len(outputs), forgeries=4, refused=refused)


def test_each_state_changing_request_is_refused_when_forged_and_works_with_the_proof(site, accounts, tmp_path):
    kiosk.create(site.engine, "lobby-wall", "test")
    alert_id = _raise_alert(site, tmp_path)
    key = apikeys.create(site.engine, "hue-s-app", ["feedback:write"], "test")
    assert requests.post(site.url + "/api/v1/feedback", headers={"X-API-Key": key}, timeout=TIMEOUT, json=report(
        channel_ref="csrf-1")).status_code == 201
    report_id = reports(site.engine)[0]["id"]
    admin = sign_in(site.url, "admin", accounts["admin"])
    other = sign_in(site.url, "viewer", accounts["viewer"])
    callbacks = {
        "callback layouts.alerts.act": (alert_action("acknowledge", alert_id, "đã xem"),
                                        lambda: _acknowledged(site, alert_id)),
        "callback layouts.feedback.act": (feedback_action(report_id, "accepted", note="đã xác minh"),
                                          lambda: reports(site.engine)[0]["status"] == "accepted"),
        "callback layouts.feedback.take_call": (hotline_body("csrf-form"), lambda: len(reports(site.engine)) == 2),
        "callback layouts.admin.revoke": (revoke_callback("kiosk", "lobby-wall"),
                                          lambda: kiosk.tokens(site.engine)[0]["revoked_at"] is not None),
    }
    tried = 0
    for name, (body, changed) in callbacks.items():
        before = dump(site.engine)
        for forgery, headers in forgeries(site, admin, other).items():
            response = admin.post(site.url + "/_dash-update-component", json=body, headers=headers, timeout=TIMEOUT)
            assert response.status_code == 403, (name, forgery)
            tried += 1
        assert dump(site.engine) == before, name
        assert not changed()
        proof = {"X-CSRFToken": _token(site, admin), "Origin": site.url}
        response = admin.post(site.url + "/_dash-update-component", json=body, headers=proof, timeout=TIMEOUT)
        assert response.status_code == 200 and changed(), (name, response.text[:300])

    # Signing in: a forged sign-in (login CSRF) would put the victim's browser in the attacker's account.
    victim = requests.Session()
    before = dump(site.engine)
    for forgery, headers in forgeries(site, victim, other).items():
        response = victim.post(site.url + "/login", data={"username": "operator", "password": accounts["operator"],
                                                          "csrf_token": headers.get("X-CSRFToken", "")},
                               headers={key: value for key, value in headers.items() if key != "X-CSRFToken"},
                               allow_redirects=False, timeout=TIMEOUT)
        assert response.status_code == 403, forgery
        assert sessions.COOKIE not in victim.cookies
        tried += 1
    assert dump(site.engine) == before
    sign_in(site.url, "operator", accounts["operator"], browser=victim)

    # Signing out: a forged sign-out would end the victim's session.
    before = dump(site.engine)
    for forgery, headers in forgeries(site, victim, other).items():
        response = victim.post(site.url + "/logout", data={"csrf_token": headers.get("X-CSRFToken", "")},
                               headers={key: value for key, value in headers.items() if key != "X-CSRFToken"},
                               allow_redirects=False, timeout=TIMEOUT)
        assert response.status_code == 403, forgery
        tried += 1
    assert dump(site.engine) == before
    assert victim.get(site.url + "/", timeout=TIMEOUT).status_code == 200
    assert victim.post(site.url + "/logout", data={"csrf_token": _token(site, victim)}, allow_redirects=False,
                       timeout=TIMEOUT).status_code == 303
    assert victim.get(site.url + "/", timeout=TIMEOUT).status_code == 401
    record("csrf_state_changing", requests=len(STATE_CHANGING), forgeries=4, refused=tried, changed_when_forged=0)


def _raise_alert(site, tmp_path) -> int:
    rule = {"id": "pm25", "type": "threshold", "sensor": "aq-dongxoai-tanphu", "metric": "pm25", "level": 50}
    with site.engine.begin() as connection:
        store_readings(connection, [Reading("aq-dongxoai-tanphu", "pm25", minutes(0), 80.0)])
    run(site.engine, alert_settings(tmp_path / "rules", [rule]), minutes(0))
    return alerts_of(site.engine, "pm25")[0]["id"]


def _acknowledged(site, alert_id: int) -> bool:
    with site.engine.connect() as connection:
        return alert_queries.alert(connection, alert_id)["acknowledged"]

