"""SQL injection through every filter and parameter, on SQLite and on PostgreSQL, over real HTTP.

Each hostile string goes, one parameter at a time, into the explorer's URL and filter callbacks, its exports'
query strings, the alerts and feedback pages' filters and selections, the intake API's path and body, the CAP
export, the sign-in form and the kiosk URL. Every answer must be a clear 4xx or a normal one (no 5xx), must
show nothing it should not (no password hash, no report or alert that a filter should have left out), and the
tables must be intact. Text that is stored (a report's title, an alert's note) must come back exactly as sent.
"""

from urllib.parse import quote

import pytest
import requests
from sqlalchemy import MetaData, func, select

from ioc.auth import apikeys
from ioc.auth.accounts import add_user
from ioc.auth.guard import ROUTER_OUTPUT
from ioc.config import load_settings
from ioc.feedback.models import TITLE_MAX_CHARS
from ioc.records import Reading
from ioc.reference import load_reference_data
from ioc.store import alert_queries, feedback_queries, schema
from ioc.store.engine import open_engine
from ioc.store.migrate import upgrade
from ioc.store.writer import store_readings
from tests.alerts.helpers import alert_settings, alerts_of, minutes, run
from tests.alerts.test_page import action_body as alert_action
from tests.analytics.helpers import (
    MARCH,
    chart_callback,
    communes_callback,
    dates_callback,
    map_click_callback,
    sort_callback,
    store_history,
    summary_callback,
    url_callback,
)
from tests.auth.callbacks import callback_body, pattern, pattern_key
from tests.auth.conftest import PASSWORDS, TIMEOUT, csrf_headers, form_token, revoke_callback, serving, sign_in
from tests.conftest import create_database, write_config
from tests.feedback.conftest import report
from tests.feedback.test_page import action_body as feedback_action
from tests.feedback.test_page import hotline_body
from tests.reliability.figures import record

PAYLOADS = [
    "' OR 1=1 --",
    "1; DROP TABLE alerts; --",
    "%' UNION SELECT password_hash FROM users --",
    "689' OR '1'='1",
    '" OR ""="',
    "\u2019 OR \u20181\u2019=\u20181\u2019 --",  # curly quotes, which some drivers fold to '
    "\uff07 OR 1=1 --",  # fullwidth apostrophe
    "x\x00' OR 1=1 --",  # NUL, which PostgreSQL's text cannot hold
    "'; SELECT pg_sleep(3); --",
    "\\'; DELETE FROM users; --",
    "%_%",
]
RULE = {"id": "pm25", "type": "threshold", "sensor": "aq-dongxoai-tanphu", "metric": "pm25", "level": 50,
        "severity": "critical", "message": {"vi": "Bụi PM2.5 cao {value}", "en": "High PM2.5 {value}"}}
GROWING = frozenset({"audit_events", "rejected_inputs"})
"""Tables that a refused or read-only request may add to (sign-in attempts, exports, refused API bodies)."""


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def shop(request, tmp_path_factory):
    """The app on one backend, with one user per role, API keys, portal history, an alert and a report."""
    folder = tmp_path_factory.mktemp(request.param)
    settings = load_settings(write_config(folder, collectors={}))
    if request.param == "sqlite":
        url = f"sqlite:///{folder / 'store.db'}"
    else:
        url = create_database(request.getfixturevalue("postgres_server"))
    engine = open_engine(url)
    upgrade(engine)
    load_reference_data(engine, settings)
    for role, password in PASSWORDS.items():
        add_user(engine, role, role, password, "test")
    store_history(engine)
    with engine.begin() as connection:
        store_readings(connection, [Reading("aq-dongxoai-tanphu", "pm25", minutes(0), 80.0)])
    run(engine, alert_settings(folder / "rules", [RULE]), minutes(0))
    keys = {scope: apikeys.create(engine, scope.replace(":", "-"), [scope], "test", rate_limit="10000/minute")
            for scope in ("feedback:write", "feedback:handle", "alerts:read")}
    with serving(settings, engine) as site:
        requests.get(site.url + "/login", timeout=TIMEOUT)
        created = requests.post(site.url + "/api/v1/feedback", json=report(), timeout=TIMEOUT,
                                headers={"Authorization": f"Bearer {keys['feedback:write']}"})
        assert created.status_code == 201, created.text
        site.keys = keys
        site.backend = request.param
        site.tracking_code = created.json()["tracking_code"]
        site.browsers = {role: sign_in(site.url, role, PASSWORDS[role]) for role in ("analyst", "operator", "admin")}
        yield site
    engine.dispose()


def counts(engine) -> dict[str, int]:
    tables = MetaData()
    tables.reflect(engine)
    with engine.connect() as connection:
        return {name: connection.execute(select(func.count()).select_from(table)).scalar_one()
                for name, table in tables.tables.items()}


def stored_secrets(engine) -> list[str]:
    """Every password hash, session and key hash in the store: none may show in an answer."""
    with engine.connect() as connection:
        return [value for table, column in ((schema.users, "password_hash"), (schema.sessions, "token_hash"),
                                            (schema.api_keys, "key_hash"), (schema.kiosk_tokens, "token_hash"))
                for value in connection.execute(select(table.c[column])).scalars()]


class Probe:
    """Sends requests and checks each answer: no 5xx, no secret; counts what it sent."""

    def __init__(self, site):
        self.site = site
        self.secrets = ["$argon2", *stored_secrets(site.engine)]
        self.sent = 0
        self.parameters: set[str] = set()
        self.server_errors: list[str] = []
        self.leaks: list[str] = []

    def __call__(self, parameter: str, browser, method: str, path: str, **kwargs) -> requests.Response:
        self.parameters.add(parameter)
        headers = {**(csrf_headers(browser) if browser is not requests else {}), **kwargs.pop("headers", {})}
        response = browser.request(method, self.site.url + path, headers=headers, timeout=TIMEOUT,
                                   allow_redirects=False, **kwargs)
        self.sent += 1
        if response.status_code >= 500:
            self.server_errors.append(f"{parameter} {method} {path}: {response.status_code}")
        body = response.content.decode("utf-8", "replace")
        if any(secret in body for secret in self.secrets):
            self.leaks.append(f"{parameter} {method} {path}")
        return response

    def callback(self, parameter: str, browser, body: dict) -> requests.Response:
        return self(parameter, browser, "POST", "/_dash-update-component", json=body)


def alerts_refresh(app, **filters) -> dict:
    values = {"severity": None, "state": None, "source": None, "unit": None, **filters}
    return callback_body(app, "alerts-table.children", {pattern_key("alerts-filter"): pattern(
        "alerts-filter", "value", values)}, changed="alerts-tick.n_intervals")


def feedback_refresh(app, **filters) -> dict:
    values = {"status": None, "category": None, "channel": None, "unit": None, "overdue": [], **filters}
    return callback_body(app, "feedback-table.children", {pattern_key("feedback-filter"): pattern(
        "feedback-filter", "value", values)}, changed="feedback-changed.data")


def selected_detail(app, page: str, value) -> dict:
    """The detail callback of the alerts or feedback page with ``value`` as the selected row."""
    return callback_body(app, f"{page}-detail.children", {f"{page}-selected": value})


def explorer_page(search: str) -> dict:
    return {"output": ".._pages_content.children..._pages_store.data..",
            "outputs": [{"id": "_pages_content", "property": "children"}, {"id": "_pages_store", "property": "data"}],
            "inputs": [{"id": "_pages_location", "property": "pathname", "value": "/analytics"},
                       {"id": "_pages_location", "property": "search", "value": search}],
            "changedPropIds": ["_pages_location.pathname"], "state": []}


EXPLORER_FILTERS = ("period", "start", "end", "unit", "commune", "sector", "channel", "indicator")
QUERY_PARAMETERS = ("period", "from", "to", "unit", "commune", "sector", "channel", "indicator", "sort", "order")


def test_hostile_strings_in_every_filter_and_parameter_are_refused_or_harmless(shop):
    site, probe = shop, Probe(shop)
    analyst, operator = site.browsers["analyst"], site.browsers["operator"]
    [alert] = alerts_of(site.engine, "pm25")
    with site.engine.connect() as connection:
        stored = feedback_queries.report_by_code(connection, site.tracking_code)
    before = counts(site.engine)

    for payload in PAYLOADS:
        ok = 400 if "\x00" in payload else 200  # a NUL is refused outright (ioc/web/nul.py)
        # The explorer: its URL, its filter callbacks, its exports.
        search = "?" + "&".join(f"{name}={quote(payload)}" for name in QUERY_PARAMETERS)
        page = probe.callback("explorer url", analyst, explorer_page(search))
        assert page.status_code == 200  # still encoded here: each parameter falls back to its default
        for name in QUERY_PARAMETERS:
            export = probe(f"analytics export {name}", analyst, "GET", "/analytics/export.csv",
                           params={**MARCH, name: payload})
            assert export.status_code == ok
        assert probe("analytics export unit", analyst, "GET", "/analytics/export.xlsx",
                     params={**MARCH, "unit": payload}).status_code == ok
        for name in EXPLORER_FILTERS:  # the three filter callbacks read the filters alike (``state_of``)
            answer = probe.callback(f"explorer filter {name}", analyst, url_callback(**{name: payload}))
            assert answer.status_code == ok, (name, answer.text[:300])
        assert probe.callback("explorer filter unit", analyst, summary_callback(unit=payload,
                                                                                sector=payload)).status_code == ok
        assert probe.callback("explorer filter unit", analyst, chart_callback(unit=payload,
                                                                              sector=payload)).status_code == ok
        assert probe.callback("explorer filter sort", analyst, url_callback(
            sort={"by": payload, "descending": payload})).status_code == ok
        assert probe.callback("explorer sort column", analyst, sort_callback(payload)).status_code in (204, 400)
        assert probe.callback("explorer communes", analyst, communes_callback(payload, payload)).status_code == ok
        assert probe.callback("explorer dates", analyst, dates_callback(payload)).status_code == ok
        assert probe.callback("explorer map click", analyst, map_click_callback(payload)).status_code == ok

        # The alerts page: filters and the selected alert; the feedback inbox: filters and the selected report.
        for name in ("severity", "state", "source", "unit"):
            answer = probe.callback(f"alerts filter {name}", operator, alerts_refresh(site.app, **{name: payload}))
            assert answer.status_code == ok
            assert alert["message"] not in answer.text  # the filter matched nothing: no row leaked
        answer = probe.callback("alerts selected", operator,
                                selected_detail(site.app, "alerts", payload))
        assert answer.status_code == ok and alert["message"] not in answer.text
        for name in ("status", "category", "channel", "unit", "overdue"):
            value = [payload] if name == "overdue" else payload
            answer = probe.callback(f"feedback filter {name}", operator, feedback_refresh(site.app, **{name: value}))
            assert answer.status_code == ok
            if name != "overdue":  # any ticked box means "only overdue": the fresh report is not
                assert site.tracking_code not in answer.text
        answer = probe.callback("feedback selected", operator,
                                selected_detail(site.app, "feedback", payload))
        assert answer.status_code == ok and site.tracking_code not in answer.text
        assert probe("feedback export", analyst, "GET", "/feedback/export.csv",
                     params={"status": payload}).status_code == ok

        # The machine API: path and query parameters, and the fields that name things rather than carry text.
        write = {"Authorization": f"Bearer {site.keys['feedback:write']}"}
        handle = {"Authorization": f"Bearer {site.keys['feedback:handle']}"}
        path = "/api/v1/feedback/" + quote(payload, safe="")
        assert probe("api tracking code", requests, "GET", path, headers=write).status_code in (400, 404)
        assert probe("api transition code", requests, "POST", path + "/transitions", json={"to": "accepted"},
                     headers=handle).status_code in (400, 404)
        for name in ("category", "unit_code", "channel"):
            refused = probe(f"api intake {name}", requests, "POST", "/api/v1/feedback",
                            json=report(**{name: payload, "channel_ref": "never-stored"}), headers=write)
            assert refused.status_code == 422, refused.text
        assert probe("api transition to", requests, "POST", f"/api/v1/feedback/{site.tracking_code}/transitions",
                     json={"to": payload}, headers=handle).status_code == 422
        cap = probe("api cap query", requests, "GET", "/api/v1/alerts.cap", params={"area": payload},
                    headers={"X-API-Key": site.keys["alerts:read"]})
        assert cap.status_code == ok and (ok == 400 or alert["message"] in cap.text)
        assert probe("api key", requests, "GET", "/api/v1/whoami",
                     headers={"X-API-Key": payload.encode("utf-8")}).status_code in (400, 401)

        # Signing in (one try a payload: 20 a minute are allowed), and the display URL.
        anonymous = requests.Session()
        token = form_token(anonymous.get(site.url + "/login", timeout=TIMEOUT).text)
        refused = probe("sign-in form", anonymous, "POST", "/login",
                        data={"username": payload, "password": payload, "csrf_token": token, "next": payload})
        assert refused.status_code in (400, 401), refused.text[:300]
        assert "ioc_session" not in refused.headers.get("Set-Cookie", "")
        assert probe("kiosk token", requests, "GET", "/kiosk/" + quote(payload, safe="")).status_code in (400, 401)
    assert probe.server_errors == [] and probe.leaks == []
    after = counts(site.engine)
    assert {t: n for t, n in after.items() if t not in GROWING} == {t: n for t, n in before.items() if t not in GROWING}
    with site.engine.connect() as connection:
        assert feedback_queries.report_by_code(connection, site.tracking_code) == stored
    record(f"sql_injection_{site.backend}", payloads=len(PAYLOADS), parameters=len(probe.parameters),
           requests=probe.sent, server_errors=len(probe.server_errors), leaks=len(probe.leaks))


def test_hostile_text_is_stored_exactly_as_sent_or_refused(shop):
    """Where a hostile string is legitimate text (a report, a hotline call, an alert's note), it is kept verbatim;
    one with a NUL is refused and nothing of it is stored."""
    site, probe = shop, Probe(shop)
    operator = site.browsers["operator"]
    [alert] = alerts_of(site.engine, "pm25")
    write = {"Authorization": f"Bearer {site.keys['feedback:write']}"}
    kept = refused = 0
    for number, payload in enumerate(PAYLOADS):
        before = counts(site.engine)
        created = probe("api intake text", requests, "POST", "/api/v1/feedback", headers=write,
                        json=report(channel_ref=f"{number}{payload}", title=payload, description=payload,
                                    reporter={"name": payload}))
        call = probe.callback("hotline form", operator, hotline_body(f"form-{number}", title=payload,
                                                                     description=payload, name=payload))
        assigned = probe.callback("alert note", operator, alert_action("assign", alert["id"], note=payload,
                                                                       assignee=payload))
        stepped = probe.callback("feedback step", operator, feedback_action(report_id(site), payload, note=payload))
        with site.engine.connect() as connection:
            last = alert_queries.events(connection, alert["id"])[-1]
            hotline = feedback_queries.report_by_ref(connection, "hotline", f"form-{number}")
        if "\x00" in payload:
            assert created.status_code == 422 and "title: String should match pattern" in created.json()["error"]
            assert (call.status_code, assigned.status_code, stepped.status_code) == (400, 400, 400)
            after = counts(site.engine)
            assert {t: n for t, n in after.items() if t not in GROWING} == {
                t: n for t, n in before.items() if t not in GROWING}
            refused += 1
            continue
        assert created.status_code == 201, created.text
        shown = probe("api tracking code", requests, "GET", f"/api/v1/feedback/{created.json()['tracking_code']}",
                      headers=write).json()
        assert shown["title"] == payload
        assert call.status_code == 200 and (hotline["title"], hotline["reporter_name"]) == (payload, payload)
        assert assigned.status_code == 200 and last["note"] == f"→ {payload.strip()}: {payload.strip()}"
        assert stepped.status_code == 200  # not a status: refused with the reason, nothing changed
        assert stepped.json()["response"]["feedback-message"]["children"].startswith("Không thực hiện được: to:")
        kept += 1
    assert probe.server_errors == [] and probe.leaks == []
    assert (kept, refused) == (len(PAYLOADS) - 1, 1)
    record(f"sql_injection_text_{site.backend}", payloads=len(PAYLOADS), kept_verbatim=kept, refused=refused,
           server_errors=0)


NOT_TEXT = [["' OR 1=1 --"], {"$ne": None}, True, 2**70, "x" * 5000]
"""What a forged callback may send where the page sends a short string or a row's id."""


def test_values_of_another_type_or_size_in_every_callback_input_are_refused_or_harmless(shop):
    """A callback's inputs are JSON anyone signed in can write: lists, objects, booleans, huge numbers and long
    strings go into every input of every callback (filters, selections, form fields, buttons' ids)."""
    site, probe = shop, Probe(shop)
    analyst, operator, admin = (site.browsers[role] for role in ("analyst", "operator", "admin"))
    [alert] = alerts_of(site.engine, "pm25")
    simple = {output: [spec["id"] for spec in entry["inputs"] + entry["state"] if not spec["id"].startswith("{")]
              for output, entry in site.app.callback_map.items()
              if entry.get("callback") and output != ROUTER_OUTPUT}
    for value in NOT_TEXT:
        for output, names in simple.items():
            for name in names:
                probe.callback(f"callback input {name}", admin, callback_body(site.app, output, {name: value}))
        for name in ("severity", "state", "source", "unit"):
            probe.callback(f"alerts filter {name}", operator, alerts_refresh(site.app, **{name: value}))
        for name in ("status", "category", "channel", "unit", "overdue"):
            probe.callback(f"feedback filter {name}", operator, feedback_refresh(site.app, **{name: value}))
        for name in ("start", "end", "unit", "commune", "sector", "indicator", "sort"):
            probe.callback(f"explorer filter {name}", analyst, url_callback(**{name: value}))
        probe.callback("explorer communes", analyst, communes_callback(value, value))
        probe.callback("explorer sort column", analyst, sort_callback(value))
        probe.callback("alert fields", operator, alert_action("assign", alert["id"], note=value, assignee=value))
        probe.callback("alert fields", operator, alert_action("shelve", alert["id"], note=value, hours=value))
        probe.callback("alert selected", operator, alert_action("acknowledge", value))
        probe.callback("feedback step to", operator, feedback_action(report_id(site), value))
        for name in ("note", "reason", "agency", "reply", "rating"):
            probe.callback(f"feedback step {name}", operator, feedback_action(report_id(site), "accepted",
                                                                              **{name: value}))
        for name in ("category", "title", "description", "unit_code", "name", "phone"):
            probe.callback(f"hotline {name}", operator, hotline_body("probe", **{name: value}))
        probe.callback("hotline form id", operator, hotline_body(value))
        probe.callback("admin revoke", admin, revoke_callback(value, "hall-wall"))
        probe.callback("admin revoke", admin, revoke_callback("kiosk", value))
    unknown_unit = probe.callback("hotline unit_code", operator, hotline_body("probe-unit", unit_code="99999"))
    assert unknown_unit.json()["response"]["feedback-hotline-message"]["children"] == (
        "Không thực hiện được: unit_code: no such unit")
    assert probe.server_errors == [] and probe.leaks == []
    assert probe.callback("hotline title", operator, hotline_body("probe-long", title="x" * 5000)).status_code == 200
    with site.engine.connect() as connection:  # a note of another type was no note: the step was taken
        assert feedback_queries.report_by_code(connection, site.tracking_code)["status"] == "accepted"
    long_agency = probe.callback("feedback step agency", operator, feedback_action(report_id(site), "assigned",
                                                                                   agency="x" * 5000))
    assert long_agency.json()["response"]["feedback-message"]["children"] == (
        "Không thực hiện được: agency: at most 200 characters")
    with site.engine.connect() as connection:
        assert feedback_queries.report_by_ref(connection, "hotline", "probe-unit") is None
        long_title = feedback_queries.report_by_ref(connection, "hotline", "probe-long")  # cut as the form cuts it
        assert len(long_title["title"]) == TITLE_MAX_CHARS
    record(f"callback_input_types_{site.backend}", values=len(NOT_TEXT), inputs=len(probe.parameters),
           requests=probe.sent, server_errors=0, leaks=0)


def report_id(site) -> int:
    with site.engine.connect() as connection:
        return feedback_queries.report_by_code(connection, site.tracking_code)["id"]
