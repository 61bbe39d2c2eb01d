"""Oversized and deeply nested JSON on every route that takes JSON: the feedback intake, its transitions and
Dash's callbacks. An oversized body is refused with 413 and a nested one with 400, each with a message that
says why, never a 500; the server stays up and the next good request is served, with nothing of the refused
ones stored (docs/security.md)."""

import json
import re
from dataclasses import dataclass

import pytest
import requests
from sqlalchemy import select

from ioc.store import schema
from ioc.web.limits import MAX_BODY_BYTES
from tests.auth.conftest import TIMEOUT, csrf_headers, page_callback, sign_in
from tests.feedback import conftest as feedback_fixtures
from tests.feedback.conftest import count, report
from tests.reliability.figures import record

accounts, api, settings, site = (feedback_fixtures.accounts, feedback_fixtures.api, feedback_fixtures.settings,
                                 feedback_fixtures.site)

DEEP = "[" * 10_000 + "]" * 10_000
API_OVERSIZED = json.dumps(report(description="x" * 100_000))
"""Over the intake API's 64 KiB, under the server's 1 MiB: the API's own refusal."""
OVERSIZED = json.dumps({"output": "x" * (2 * MAX_BODY_BYTES)})


@dataclass
class Route:
    """A JSON route, how to post to it, and a good body it serves."""

    name: str
    post: object  # (body: str) -> requests.Response
    good: str
    oversized: str
    refused_413: str
    refused_400: str


@pytest.fixture
def routes(site, api, accounts) -> list[Route]:
    code = api.post("/feedback", report(channel_ref="first")).json()["tracking_code"]
    operator = sign_in(site.url, "operator", accounts["operator"])

    def posting(url: str, headers: dict, session=requests):
        return lambda body: session.post(url, data=body.encode() if isinstance(body, str) else
                                         (part.encode() for part in body), timeout=TIMEOUT,
                                         headers={"Content-Type": "application/json", **headers})

    return [
        Route("feedback intake", posting(api.url + "/feedback", {"X-API-Key": api.write_key}),
              json.dumps(report(channel_ref="second")), API_OVERSIZED, r"^\(body\): larger than 65536 bytes$",
              r"^\(body\): not valid JSON$"),
        Route("feedback transition", posting(f"{api.url}/feedback/{code}/transitions", {"X-API-Key": api.handle_key}),
              json.dumps({"to": "accepted"}), API_OVERSIZED, r"^\(body\): larger than 65536 bytes$",
              r"^\(body\): not valid JSON$"),
        Route("dash callback", posting(site.url + "/_dash-update-component",
                                       {**csrf_headers(operator), "Origin": site.url}, operator),
              json.dumps(page_callback("/feedback")), OVERSIZED,
              rf"^the body is larger than the {MAX_BODY_BYTES} bytes",
              r"^Failed to decode JSON object: nested too deeply$"),
    ]


def test_oversized_and_deeply_nested_json_is_refused_and_the_next_good_request_is_served(site, routes):
    answers = []
    for route in routes:
        too_large = route.post(route.oversized)
        assert too_large.status_code == 413, (route.name, too_large.text)
        assert too_large.headers["Content-Type"] == "application/json"
        assert re.search(route.refused_413, too_large.json()["error"]), (route.name, too_large.text)
        chunked = route.post(iter([OVERSIZED[:MAX_BODY_BYTES], OVERSIZED[MAX_BODY_BYTES:]]))  # no Content-Length
        assert chunked.status_code == 413 and "larger than" in chunked.json()["error"], (route.name, chunked.text)
        deep = route.post(DEEP)
        assert deep.status_code == 400, (route.name, deep.text)
        assert re.search(route.refused_400, deep.json()["error"]), (route.name, deep.text)
        good = route.post(route.good)
        assert good.status_code in (200, 201), (route.name, good.text)
        answers += [too_large.status_code, chunked.status_code, deep.status_code, good.status_code]
    assert count(site.engine, schema.feedback) == 2  # the first report and the good one: nothing refused stored
    with site.engine.connect() as connection:
        statuses = connection.execute(select(schema.feedback.c.channel_ref, schema.feedback.c.status)).all()
    assert sorted(statuses) == [("first", "accepted"), ("second", "received")]
    record("hostile_json", routes=len(routes), oversized_refused_413=answers.count(413),
           nested_10000_refused_400=answers.count(400), good_requests_served_after=len(routes),
           server_errors=sum(status >= 500 for status in answers))
