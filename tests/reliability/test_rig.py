"""The production-shaped rig end to end: every source's data reaches the store through the processes an
operator runs, each sensor reading exactly once across the two collectors, alerts raised once although two
collectors run, and the pages answer through gunicorn (docs/production.md)."""

import re
import time

import requests
from sqlalchemy import func, select, text

from ioc.store import schema
from tests.auth.conftest import TIMEOUT, csrf_headers, page_callback
from tests.reliability.figures import record
from tests.sensors.helpers import count_rows, wait_for_rows

SENT_AT_LEAST = 2000
"""Readings the simulator sends before it is stopped: enough for both collectors to take a large share."""


def wait_until(condition, timeout: float, failure: str):
    deadline = time.monotonic() + timeout
    while not (value := condition()):
        assert time.monotonic() < deadline, failure
        time.sleep(0.25)
    return value


def scalar(engine, query):
    with engine.connect() as connection:
        return connection.execute(query).scalar_one()


def committed_messages(log: str) -> int:
    """What a collector says it committed when it stopped (collectors/mqtt_ingest.py)."""
    return int(re.search(r"stopped after committing (\d+) messages", log)[1])


def test_the_rig_carries_every_source_to_the_pages_and_each_reading_exactly_once(rig):
    engine, tap = rig.engine, rig.sensor_tap
    portal_rows = wait_until(lambda: scalar(engine, select(func.count()).select_from(schema.dossier_stats)), 90,
                             "no portal statistics arrived")
    api_reports = select(func.count()).select_from(schema.feedback).where(schema.feedback.c.channel_ref.like("sim-%"))
    wait_until(lambda: scalar(engine, api_reports) >= 3, 60, "no citizen reports arrived through the intake API")
    moved = select(func.count()).select_from(schema.feedback).where(schema.feedback.c.status != "received")
    wait_until(lambda: scalar(engine, moved), 30, "no report moved through the workflow over the API")
    raised = select(func.count()).select_from(schema.alerts).where(schema.alerts.c.rule_id == "rig-station-reporting")
    wait_until(lambda: scalar(engine, raised), 60, "the alert engine raised nothing")

    for role in ("viewer", "operator"):
        with rig.sign_in(role) as browser:
            assert browser.get(rig.web_url + "/alerts", timeout=TIMEOUT).status_code == 200
            content = browser.post(rig.web_url + "/_dash-update-component", json=page_callback("/alerts"),
                                   headers={**csrf_headers(browser), "Origin": rig.web_url}, timeout=TIMEOUT)
            assert content.status_code == 200 and "trạm đang gửi số liệu" in content.text
            assert browser.get(rig.web_url + "/health.json", timeout=TIMEOUT).status_code == 200
    with requests.Session() as display:
        wall = display.get(rig.kiosk_url("rig-wall"), timeout=TIMEOUT)
        assert wall.status_code == 200 and wall.url == rig.web_url + "/wall"

    wait_until(lambda: tap.readings >= SENT_AT_LEAST, 120, f"the simulator sent fewer than {SENT_AT_LEAST} readings")
    assert rig.stop("simulate-sensors") == 0
    tap.wait_until_quiet()
    sent = tap.readings
    wait_for_rows(engine, sent, timeout=60)
    time.sleep(1)  # a reading stored twice, or one more, would land now
    stored = count_rows(engine)
    folded = scalar(engine, select(func.coalesce(func.sum(schema.rollups_hourly.c.count), 0)))
    rejected = scalar(engine, select(func.count()).select_from(schema.rejected_inputs)
                      .where(schema.rejected_inputs.c.source == "mqtt_ingest"))

    with engine.connect() as connection:
        copies = connection.execute(text(
            "SELECT rule_id, target, count(*) FROM alerts GROUP BY rule_id, target HAVING count(*) > 1")).all()
    assert copies == [], "an alert was raised by both collectors"

    collect_b, collect_a = rig.stop("collect-b"), rig.stop("collect-a")
    assert (collect_a, collect_b) == (0, 0)
    by_a, by_b = committed_messages(rig.log("collect-a")), committed_messages(rig.log("collect-b"))
    record("production_rig", sent=sent, stored=stored, lost=sent - stored, doubled=folded - stored,
           malformed=tap.malformed, rejected=rejected, messages=tap.messages, by_collect_a=by_a,
           by_collect_b=by_b, portal_rows=portal_rows, feedback_via_api=scalar(engine, api_reports),
           alerts=scalar(engine, raised))
    assert stored == sent and folded == stored
    assert rejected == tap.malformed
    assert by_a + by_b == tap.messages, "a message went to both collectors, or to neither"
    assert min(by_a, by_b) > tap.messages // 5, "the stream was not shared"
