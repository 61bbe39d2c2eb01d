"""Load held: 50 analysts on the indicator explorer and 10 wall displays served by the production rig's
gunicorn while 2,000 sensor readings a second arrive over MQTT, each stored exactly once (docs/reliability.md).

The analysts and displays are locust users (tests/reliability/locustfile.py), arriving five a second: an
analyst opens /analytics (the page, its layout, the callbacks Dash fires on load) and then changes a filter
every 10 to 30 s, each change posting the callbacks the browser posts for it; a display opens its kiosk URL
and refreshes its panels every ``web.refresh_seconds`` (30 s, as shipped), moving to the next scene every
third refresh. Meanwhile this process publishes its own readings at QoS 1, one every 500 µs, on top of the
rig's simulators (tests/reliability/marked_stream.py); the explorer reads a year of portal statistics.

The time bounds are for a 2-core machine shared by PostgreSQL, Mosquitto, two collectors, three gunicorn
workers, the simulators, locust, this process and possibly other work: they catch a page that stalls or an
ingest that falls far behind, not a slower query. Quiet-machine timings of each callback are in
docs/benchmarks.md; what this test must always show is no failed request and every reading stored once.
"""

from datetime import timedelta

import pytest

from benchmarks.indicators import fill as fill_portal
from ioc.config import load_settings
from ioc.store import schema
from ioc.timeutil import local_day, utcnow
from tests.conftest import ARTIFACTS
from tests.reliability import crowd
from tests.reliability.figures import record
from tests.reliability.marked_stream import MarkedStream
from tests.sensors.helpers import wait_for_rows

ANALYSTS, DISPLAYS = 50, 10
READINGS_PER_SECOND = 2000
SECONDS = 60
"""Of load, after which the stream stops and the store has to catch up."""
CALLBACK_P95_BOUND_MS = 15_000
"""Each page's callbacks, p95 as locust saw them (queueing for a gunicorn worker included). One at a time on
a quiet machine they take tens of milliseconds (docs/benchmarks.md). Here 60 users and 2,000 readings/s share
two cores with the whole rig, near saturation: in a CI run alone this test measured p95 of 3.9 s (explorer) and
3.4 s (wall), and 8.6 s and 7.3 s with a soak running beside it. The bound catches a stall, not a slower query."""
PAGE_LOAD_P95_BOUND_MS = 20_000
"""A page and its layout: each visitor's first requests, all made while the crowd arrives (3.7 s; 8.8 s)."""
INGEST_LAG_P95_BOUND_MS = 20_000
"""From a reading's publication to its commit, p95 (2.7 s; 7.8 s): the collectors share the two cores with the
web workers and the crowd."""
DRAIN_BOUND_MS = 60_000
"""From the last publication to the commit of the last reading."""


@pytest.fixture(scope="module")
def year_of_portal_history(rig):
    """A year of portal statistics before the 30 days the rig's portal collector reads, so that the explorer's
    default period (the last 12 months) has every month to read."""
    assert wait_for_rows(rig.engine, 1, table=schema.dossier_stats, timeout=90), "the portal collector stored nothing"
    today = local_day(utcnow())
    first = (today.replace(day=1) - timedelta(days=365)).replace(day=1)
    fill_portal(rig.engine, load_settings(rig.config_path), first, today - timedelta(days=31))


def test_fifty_analysts_and_ten_walls_are_served_while_2000_readings_a_second_are_stored_once(
        rig, year_of_portal_history):
    refresh_seconds = load_settings(rig.config_path).web.refresh_seconds
    stream = MarkedStream(rig.mqtt_port, READINGS_PER_SECOND)
    stream.start(rig.engine)
    try:
        requests = crowd.run(rig, crowd.Crowd(ANALYSTS, DISPLAYS, refresh_seconds), SECONDS,
                             ARTIFACTS / "reliability" / "load", "load")
    finally:
        sent = stream.stop()
    stream.wait_until_stored(rig.engine, timeout=DRAIN_BOUND_MS / 1000 + 60)
    arrivals = stream.arrivals(rig.engine)
    publishing_seconds = stream.sent_at[-1] - stream.sent_at[0]

    failed = [r for r in requests if r.error]
    explorer, wall = crowd.callback_times(requests, "explorer"), crowd.callback_times(requests, "wall")
    page_loads = [r.ms for r in requests if not r.is_callback and not r.error]
    figures = {
        "explorer_users": ANALYSTS, "walls": DISPLAYS, "readings_per_second": round(sent / publishing_seconds),
        "requests": len(requests), "errors": len(failed),
        "explorer_callbacks": len(explorer), "explorer_p50_ms": crowd.percentile(explorer, 0.5),
        "explorer_p95_ms": crowd.percentile(explorer, 0.95),
        "wall_callbacks": len(wall), "wall_p50_ms": crowd.percentile(wall, 0.5),
        "wall_p95_ms": crowd.percentile(wall, 0.95), "page_load_p95_ms": crowd.percentile(page_loads, 0.95),
        "ingest_lag_p50_ms": crowd.percentile(arrivals.lags_ms, 0.5),
        "ingest_lag_p95_ms": crowd.percentile(arrivals.lags_ms, 0.95), "drain_ms": arrivals.drain_ms,
        "sent": arrivals.sent, "stored": arrivals.stored, "lost": arrivals.lost, "doubled": arrivals.doubled,
    }
    print(figures)

    opened = [r.name for r in requests if r.name in ("explorer layout", "wall layout") and not r.error]
    assert (opened.count("explorer layout"), opened.count("wall layout")) == (ANALYSTS, DISPLAYS)
    assert figures["wall_callbacks"] >= DISPLAYS * 5, "the walls did not refresh"
    assert figures["explorer_callbacks"] >= ANALYSTS * 3 * 2, "the analysts changed no filter"
    assert failed == [], f"{len(failed)} of {len(requests)} requests failed, e.g. {failed[:3]}"
    assert figures["readings_per_second"] >= 0.95 * READINGS_PER_SECOND, "the stream fell behind its pace"
    assert (arrivals.lost, arrivals.doubled) == (0, 0), figures
    assert figures["explorer_p95_ms"] < CALLBACK_P95_BOUND_MS, figures
    assert figures["wall_p95_ms"] < CALLBACK_P95_BOUND_MS, figures
    assert figures["page_load_p95_ms"] < PAGE_LOAD_P95_BOUND_MS, figures
    assert figures["ingest_lag_p95_ms"] < INGEST_LAG_P95_BOUND_MS, figures
    assert figures["drain_ms"] < DRAIN_BOUND_MS, figures
    record("load", **{key: round(value, 1) if isinstance(value, float) else value for key, value in figures.items()})
