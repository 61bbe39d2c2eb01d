"""schemathesis over the whole machine-facing HTTP API, from the document the server itself serves
(/api/v1/openapi.json, ioc/web/openapi.py), against a real server on a real store.

Every operation is called with generated valid requests, and the ones that validate their input also with
generated invalid ones. No answer may be a 5xx; every answer must match the document (status, content type,
body); invalid input must be refused; and every refusal must be a 4xx whose JSON says why. Without
credentials every operation is refused with 401 and its reason.
"""

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from ioc.auth import apikeys, sessions
from ioc.store import schema as tables
from tests.analytics.helpers import store_history
from tests.auth.conftest import TIMEOUT, sign_in
from tests.feedback import conftest as feedback_fixtures
from tests.feedback.conftest import count, report
from tests.reliability.figures import record

accounts, api, settings, site = (feedback_fixtures.accounts, feedback_fixtures.api, feedback_fixtures.settings,
                                 feedback_fixtures.site)
OPERATIONS = {
    "POST /api/v1/feedback", "GET /api/v1/feedback/{tracking_code}",
    "POST /api/v1/feedback/{tracking_code}/transitions",
    "GET /api/v1/whoami", "GET /api/v1/alerts.cap", "GET /api/v1/openapi.json", "GET /health.json",
    "GET /analytics/export.csv", "GET /analytics/export.xlsx", "GET /feedback/export.csv",
}
VALIDATING = r"^/api/v1/feedback"
"""The operations that refuse input outside the document; the exports read their filters leniently by design
(an unknown value falls back to its default, docs/analytics.md) and the other operations take no input."""
MAX_EXAMPLES = 50
"""Examples per mode over the operations: the whole run stays well under 90 s on a shared machine."""


@schemathesis.check
def refusal_says_why(ctx, response, case):
    """A 4xx answer is JSON whose ``error`` says why, never an empty body or an HTML error page."""
    if 400 <= response.status_code < 500:
        body = response.json()
        assert isinstance(body, dict) and isinstance(body.get("error"), str) and body["error"].strip(), (
            f"{case.method} {case.path} answered {response.status_code} without a reason: {response.text[:200]}")


CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance,
          refusal_says_why]


@pytest.fixture
def credentials(site, api, accounts) -> dict:
    """A key with every scope, an operator's session (view and export) and reports to find and step."""
    store_history(site.engine)
    for n in range(3):
        api.post("/feedback", report(channel_ref=f"schema-{n}", title=f'=HYPERLINK("http://x","{n}")'))
    key = apikeys.create(site.engine, "schemathesis", ["feedback:write", "feedback:handle", "alerts:read"], "test",
                         rate_limit="100000/minute")
    operator = sign_in(site.url, "operator", accounts["operator"])
    return {"headers": {"Authorization": f"Bearer {key}"},
            "cookies": {sessions.COOKIE: operator.cookies[sessions.COOKIE]}}


def served_schema(site, credentials):
    answer = requests.get(site.url + "/api/v1/openapi.json", timeout=TIMEOUT, headers=credentials["headers"])
    assert answer.status_code == 200
    return schemathesis.openapi.from_dict(answer.json())


def test_the_document_covers_every_machine_route(site, credentials):
    schema = served_schema(site, credentials)
    assert {operation.ok().label for operation in schema.get_all_operations()} == OPERATIONS
    routes = {rule.rule for rule in site.app.server.url_map.iter_rules()}
    api_routes = {route for route in routes if route.startswith("/api/")}
    documented = {label.split(" ", 1)[1].replace("{tracking_code}", "<tracking_code>") for label in OPERATIONS}
    assert api_routes <= documented, api_routes - documented


def test_every_operation_without_credentials_is_refused_with_401_and_its_reason(site, credentials):
    for label in sorted(OPERATIONS):
        method, path = label.split(" ", 1)
        answer = requests.request(method, site.url + path.replace("{tracking_code}", "PA-00000-00000"), json={},
                                  timeout=TIMEOUT)
        assert answer.status_code == 401, (label, answer.status_code, answer.text[:200])
        assert answer.json()["error"] in ("a valid API key is required", "sign-in required"), label


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_no_request_breaks_the_api_or_its_document(site, credentials, mode):
    schema = served_schema(site, credentials)
    if mode is GenerationMode.NEGATIVE:
        schema = schema.include(path_regex=VALIDATING)
    calls, statuses = [], {}

    @given(case=schema.as_strategy(mode))
    @hypothesis_settings(max_examples=MAX_EXAMPLES * (2 if mode is GenerationMode.POSITIVE else 1), deadline=None,
              suppress_health_check=list(HealthCheck), database=None)
    def call(case):
        checks = CHECKS + ([negative_data_rejection] if mode is GenerationMode.NEGATIVE else [])
        answer = case.call_and_validate(base_url=site.url, checks=checks, timeout=3 * TIMEOUT, **credentials)
        calls.append(case.operation.label)
        statuses[answer.status_code] = statuses.get(answer.status_code, 0) + 1

    call()
    reached = set(calls)
    if mode is GenerationMode.POSITIVE:
        assert reached == OPERATIONS, OPERATIONS - reached
        assert count(site.engine, tables.feedback) > 3  # valid reports were stored
    else:
        assert reached and count(site.engine, tables.rejected_inputs) > 0  # invalid ones refused and kept
    assert not [status for status in statuses if status >= 500]
    record(f"schemathesis_api_{mode.value}", operations=len(reached), cases=len(calls),
           statuses=" ".join(f"{status}×{n}" for status, n in sorted(statuses.items())), failures=0)
