"""A property-based fuzzer (schemathesis) drives the live intake API from its own OpenAPI document: no answer
may be a 5xx, and every answer must match the document (status codes, content types, bodies)."""

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from ioc.auth import apikeys
from ioc.store import schema as schema_tables
from tests.auth.conftest import TIMEOUT
from tests.feedback.conftest import count, report

MAX_EXAMPLES = 150
"""Examples over the four operations, per mode: enough to find what is broken within the test's time (< 60 s)."""
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance,
          negative_data_rejection]


@pytest.fixture
def fuzz_key(site, api) -> str:
    """One key with both scopes, so that every operation can succeed; and some reports to find and step."""
    for n in range(3):
        api.post("/feedback", report(channel_ref=f"fuzz-{n}"))
    return apikeys.create(site.engine, "fuzzer", ["feedback:write", "feedback:handle"], "test",
                          rate_limit="100000/minute")


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_no_request_breaks_the_api_or_its_document(site, api, fuzz_key, mode):
    response = requests.get(api.url + "/openapi.json", headers={"X-API-Key": fuzz_key}, timeout=TIMEOUT)
    assert response.status_code == 200
    schema = schemathesis.openapi.from_dict(response.json()).include(path_regex="^/api/v1/(feedback|openapi)")
    assert {operation.ok().label for operation in schema.get_all_operations()} == {
        "POST /api/v1/feedback", "GET /api/v1/feedback/{tracking_code}",
        "POST /api/v1/feedback/{tracking_code}/transitions", "GET /api/v1/openapi.json"}

    @given(case=schema.as_strategy(mode))
    @settings(max_examples=MAX_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    def call(case):
        case.call_and_validate(base_url=site.url, headers={"Authorization": f"Bearer {fuzz_key}"}, checks=CHECKS,
                               timeout=TIMEOUT)

    call()
    # The fuzzer reached the server: valid reports were stored, invalid ones refused and kept.
    grown = count(site.engine, schema_tables.feedback) > 3 if mode.is_positive else (
        count(site.engine, schema_tables.rejected_inputs) > 0)
    assert grown
