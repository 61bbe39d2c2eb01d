"""The demo's feedback simulator: a backlog of handled history, and new reports through the real HTTP API."""

import unicodedata

import httpx

from collectors.feedback_simulator import FeedbackSimulator
from ioc.store import feedback_queries
from ioc.timeutil import utcnow
from tests.feedback.conftest import reports


def test_the_simulator_writes_history_once_and_posts_through_the_api(site):
    simulator = FeedbackSimulator(site.settings, site.engine, site.url, history_days=5, seed=3)
    simulator.key = simulator._new_key()
    written = simulator.write_history(utcnow())
    assert written >= 5 * 6 and simulator.write_history(utcnow()) == 0
    history = reports(site.engine)
    assert {r["status"] for r in history} >= {"closed", "received"}
    assert all(r["due_at"] > r["received_at"] for r in history)
    with httpx.Client(base_url=site.url + "/api/v1", headers={"Authorization": f"Bearer {simulator.key}"},
                      timeout=10) as client:
        for _ in range(20):
            simulator.post_one(client)
    posted = reports(site.engine)[written:]
    assert len(posted) == 20 and {r["submitted_by"] for r in posted} == {"apikey:feedback-simulator"}
    assert {r["status"] for r in posted} - {"received"}  # some moved on through the transitions API
    with site.engine.connect() as connection:
        steps = [e for r in posted for e in feedback_queries.events(connection, r["id"]) if e["from_status"]]
    assert steps and {e["actor"] for e in steps} == {"apikey:feedback-simulator"}
    assert all(unicodedata.normalize("NFD", r["title"]) != r["title"] or "đ" in r["title"].lower() for r in posted)
