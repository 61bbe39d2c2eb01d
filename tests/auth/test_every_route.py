"""Every route, page and callback of the running app, tried by every kind of principal, against a written table.

The table below is the expectation, written by hand: what each anonymous visitor, role, wall display and API
key gets on each Flask route, each page (its GET and the pages router callback that sends its content) and
each server-side Dash callback. The test walks the app's own url_map, page registry and callback map, so a
route, page or callback added without a row here fails it, and a declaration that drifts from the table does
too. ``ok`` means the guard let the request through and the view answered normally (2xx or 3xx: a page, a
callback's update or its "nothing to do" 204, a redirect); a number is the exact status expected.
"""

import re

import dash
import pytest
import requests

from ioc.auth import apikeys, kiosk
from ioc.auth.guard import ROUTER_OUTPUT
from tests.auth.callbacks import callback_body
from tests.auth.conftest import TIMEOUT, as_kiosk, form_token, page_callback, sign_in
from tests.reliability.figures import record

PRINCIPALS = ("anonymous", "viewer", "analyst", "operator", "admin", "kiosk", "apikey")
"""``kiosk``: a wall display's token; ``apikey``: an API key holding only ``alerts:read``."""

TABLE = """
target                                             anonymous viewer analyst operator admin kiosk apikey
GET /static/<path:filename>                        404       404    404     404      404   404   404
GET /assets/<path:filename>                        ok        ok     ok      ok       ok    ok    ok
GET /_dash-component-suites/<string:package_name>/<path:fingerprinted_path> ok ok ok ok ok ok ok
GET /_favicon.ico                                  ok        ok     ok      ok       ok    ok    ok
GET /_dash-layout                                  401       ok     ok      ok       ok    ok    401
GET /_dash-dependencies                            401       ok     ok      ok       ok    ok    401
GET /_reload-hash                                  401       ok     ok      ok       ok    ok    401
GET /                                              401       ok     ok      ok       ok    ok    401
GET /<path:path>                                   401       ok     ok      ok       ok    ok    401
GET /language/<code>                               ok        ok     ok      ok       ok    ok    ok
GET /login                                         ok        ok     ok      ok       ok    ok    ok
POST /login                                        401       401    401     401      401   401   401
GET /kiosk/<token>                                 401       401    401     401      401   401   401
GET /api/v1/whoami                                 401       401    401     401      401   401   ok
GET /api/v1/openapi.json                           401       401    401     401      401   401   ok
GET /api/v1/alerts.cap                             401       401    401     401      401   401   ok
POST /api/v1/feedback                              401       401    401     401      401   401   403
GET /api/v1/feedback/<tracking_code>               401       401    401     401      401   401   403
POST /api/v1/feedback/<tracking_code>/transitions  401       401    401     401      401   401   403
GET /analytics/export.csv                          401       403    ok      ok       ok    403   401
GET /analytics/export.xlsx                         401       403    ok      ok       ok    403   401
GET /feedback/export.csv                           401       403    ok      ok       ok    403   401
GET /health.json                                   401       ok     ok      ok       ok    ok    401
page /                                             401       ok     ok      ok       ok    ok    401
page /wall                                         401       ok     ok      ok       ok    ok    401
page /analytics                                    401       403    ok      ok       ok    403   401
page /sensors                                      401       ok     ok      ok       ok    ok    401
page /sensors/<sensor_id>                          401       ok     ok      ok       ok    ok    401
page /alerts                                       401       ok     ok      ok       ok    ok    401
page /feedback                                     401       ok     ok      ok       ok    ok    401
page /health                                       401       ok     ok      ok       ok    ok    401
page /admin                                        401       403    403     403      ok    403   401
callback layouts.admin.revoke                      401       403    403     403      ok    403   401
callback layouts.alerts.refresh                    401       ok     ok      ok       ok    ok    401
callback layouts.alerts.select                     401       ok     ok      ok       ok    ok    401
callback layouts.alerts.detail                     401       ok     ok      ok       ok    ok    401
callback layouts.alerts.act                        401       403    403     ok       ok    403   401
callback layouts.analytics.write_url               401       403    ok      ok       ok    403   401
callback layouts.analytics.communes                401       403    ok      ok       ok    403   401
callback layouts.analytics.dates                   401       403    ok      ok       ok    403   401
callback layouts.analytics.channel_applies         401       403    ok      ok       ok    403   401
callback layouts.analytics.pick_district           401       403    ok      ok       ok    403   401
callback layouts.analytics.sort                    401       403    ok      ok       ok    403   401
callback layouts.analytics.chart                   401       403    ok      ok       ok    403   401
callback layouts.analytics.summary                 401       403    ok      ok       ok    403   401
callback layouts.feedback.refresh                  401       ok     ok      ok       ok    ok    401
callback layouts.feedback.select                   401       ok     ok      ok       ok    ok    401
callback layouts.feedback.detail                   401       ok     ok      ok       ok    ok    401
callback layouts.feedback.act                      401       403    403     ok       ok    403   401
callback layouts.feedback.take_call                401       403    403     ok       ok    403   401
callback layouts.health.refresh                    401       ok     ok      ok       ok    ok    401
callback layouts.wall.rotate                       401       ok     ok      ok       ok    ok    401
callback layouts.wall.frame                        401       ok     ok      ok       ok    ok    401
callback layouts.wall.indicators                   401       ok     ok      ok       ok    ok    401
callback layouts.wall.map_values                   401       ok     ok      ok       ok    ok    401
callback layouts.wall.alerts                       401       ok     ok      ok       ok    ok    401
callback layouts.wall.feedback                     401       ok     ok      ok       ok    ok    401
callback layouts.wall.freshness                    401       ok     ok      ok       ok    ok    401
POST /logout                                       303       303    303     303      303   303   303
"""
"""Signing out comes last: it ends the principal's session."""

COVERED_ELSEWHERE = {"POST /_dash-update-component"}
"""The callback route itself: tried through every callback and page above."""
SAMPLES = {
    "/static/<path:filename>": "/static/ioc.css",
    "/assets/<path:filename>": "/assets/ioc.css",
    "/<path:path>": "/no-such-page",
    "/language/<code>": "/language/en",
    "/kiosk/<token>": "/kiosk/iock_not-a-token",
    "/api/v1/feedback/<tracking_code>": "/api/v1/feedback/PA-NONE",
    "/api/v1/feedback/<tracking_code>/transitions": "/api/v1/feedback/PA-NONE/transitions",
    "/sensors/<sensor_id>": "/sensors/aq-dongxoai-tanphu",
}
"""A concrete address for each rule with a variable part."""


def expectations() -> dict[str, dict[str, str]]:
    lines = [line.split() for line in TABLE.strip().splitlines()]
    header = lines[0][1:]
    assert tuple(header) == PRINCIPALS
    rows = {}
    for cells in lines[1:]:
        kind, target, *outcomes = cells
        assert len(outcomes) == len(PRINCIPALS), cells
        rows[f"{kind} {target}"] = dict(zip(PRINCIPALS, outcomes, strict=True))
    return rows


def enumerate_app(app) -> dict[str, tuple]:
    """Every target of the running app: Flask rules by method, pages, and server-side callbacks."""
    targets = {}
    for rule in app.server.url_map.iter_rules():
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            name = f"{method} {rule.rule}"
            if name not in COVERED_ELSEWHERE:
                targets[name] = ("route", method, SAMPLES.get(rule.rule, rule.rule))
    for page in dash.page_registry.values():
        path = page.get("path_template") or page["path"]
        targets[f"page {path}"] = ("page", "GET", SAMPLES.get(path, path))
    for output, entry in app.callback_map.items():
        function = entry.get("callback")
        if function is None or output == ROUTER_OUTPUT:  # clientside; the router is tried with each page
            continue
        targets[f"callback {function.__module__}.{function.__name__}"] = ("callback", "POST", output)
    return targets


@pytest.fixture
def principals(site, accounts) -> dict[str, tuple[requests.Session, dict]]:
    """Each principal's browser (or client) and the headers it sends: a CSRF token for the cookie-holders, so
    that only the role decides; the API key's header for the machine."""
    key = apikeys.create(site.engine, "partner", ["alerts:read"], "test", rate_limit="1000/minute")
    browsers = {"anonymous": requests.Session(), "apikey": requests.Session(),
                "kiosk": as_kiosk(site.url, kiosk.create(site.engine, "hall-wall", "test"))}
    browsers |= {role: sign_in(site.url, role, accounts[role]) for role in ("viewer", "analyst", "operator", "admin")}
    found = {}
    for name, browser in browsers.items():
        headers = {"X-CSRFToken": form_token(browser.get(site.url + "/login", timeout=TIMEOUT).text)}
        if name == "apikey":
            headers["Authorization"] = f"Bearer {key}"
        found[name] = (browser, headers)
    return found


def test_every_route_page_and_callback_has_a_row_in_the_table(site):
    targets, table = enumerate_app(site.app), expectations()
    assert sorted(set(targets) - set(table)) == [], "declare who may reach these in TABLE"
    assert sorted(set(table) - set(targets)) == [], "TABLE names targets the app no longer has"


def test_every_principal_gets_what_the_table_says_on_every_target(site, principals):
    targets, table = enumerate_app(site.app), expectations()
    viewer = principals["viewer"][0]
    suites = re.search(r'src="(/_dash-component-suites/[^"]+)"', viewer.get(site.url + "/", timeout=TIMEOUT).text)
    samples = {"/_dash-component-suites/<string:package_name>/<path:fingerprinted_path>": suites[1]}
    wrong, checks = [], 0
    for name, outcomes in table.items():  # in the table's order: signing out last
        kind, method, where = targets[name]
        for principal, expected in outcomes.items():
            browser, headers = principals[principal]
            if kind == "route":
                response = browser.request(method, site.url + samples.get(where, where), headers=headers,
                                           allow_redirects=False, timeout=TIMEOUT)
            else:
                body = page_callback(where) if kind == "page" else callback_body(site.app, where)
                if kind == "page":
                    get = browser.get(site.url + where, headers=headers, allow_redirects=False, timeout=TIMEOUT)
                    checks += 1
                    if not _matches(get.status_code, expected):
                        wrong.append((name + " (GET)", principal, expected, get.status_code))
                response = browser.post(site.url + "/_dash-update-component", json=body, headers=headers,
                                        allow_redirects=False, timeout=TIMEOUT)
            checks += 1
            if not _matches(response.status_code, expected):
                wrong.append((name, principal, expected, response.status_code, response.text[:120]))
    assert wrong == []
    routes = sum(1 for kind, *_ in targets.values() if kind == "route")
    pages = sum(1 for kind, *_ in targets.values() if kind == "page")
    record("route_roles", routes=routes, pages=pages, callbacks=len(targets) - routes - pages,
           principals=len(PRINCIPALS), checks=checks)


def _matches(status: int, expected: str) -> bool:
    """``ok``: let through and answered normally; otherwise the exact status."""
    if expected == "ok":
        return 200 <= status < 400
    return status == int(expected)
